package bencode

import "testing"

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{
		"i0e", "i-42e", "4:spam", "le", "de", "l4:spami42ee", "d3:bar4:spam3:fooi42ee",
		"d1:bi1e1:ai2ee", "i03e", "5:abc", "lllleeee", "d8:announce9:http://x/4:infod4:name1:a6:lengthi1eee",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkCanonical(t, data)
		var s outer
		_ = Unmarshal(data, &s)
	})
}
