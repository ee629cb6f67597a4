package dht_test

import (
	"fmt"

	"github.com/applayer/applayer/dht"
)

// ExampleParseMsg decodes BEP 5's get_peers response.
func ExampleParseMsg() {
	wire := "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"
	m, err := dht.ParseMsg([]byte(wire))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Kind, string(m.T), string(m.Args.Token), m.Args.Values)
	// Output: response aa aoeusnth [97.120.106.101:11893 105.100.104.116:28269]
}

// ExampleAppendMsg encodes a find_node query.
func ExampleAppendMsg() {
	var id, target dht.ID
	copy(id[:], "abcdefghij0123456789")
	copy(target[:], "mnopqrstuvwxyz123456")
	b, _ := dht.AppendMsg(nil, &dht.Msg{T: []byte("aa"), Kind: dht.KindQuery, Method: dht.MethodFindNode,
		Args: dht.Args{ID: id, Target: target}})
	fmt.Println(string(b))
	// Output: d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe
}
