package hpack

import "sync"

// HuffmanEncodeLength returns the number of bytes s takes Huffman-coded.
func HuffmanEncodeLength(s string) int {
	var bits uint64
	for i := 0; i < len(s); i++ {
		bits += uint64(huffmanLengths[s[i]])
	}
	return int((bits + 7) / 8)
}

// AppendHuffman appends the Huffman coding of s (RFC 7541 section 5.2) to
// dst, padded to a byte boundary with the most significant bits of EOS
// (one bits).
func AppendHuffman(dst []byte, s string) []byte {
	var acc uint64 // pending bits, right-aligned
	var n uint     // number of pending bits
	for i := 0; i < len(s); i++ {
		c := s[i]
		acc = acc<<huffmanLengths[c] | uint64(huffmanCodes[c])
		n += uint(huffmanLengths[c])
		for n >= 32 {
			n -= 32
			v := uint32(acc >> n)
			dst = append(dst, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
		}
	}
	for n >= 8 {
		n -= 8
		dst = append(dst, byte(acc>>n))
	}
	if n > 0 {
		dst = append(dst, byte(acc<<(8-n))|byte(0xff>>n))
	}
	return dst
}

// The decoder walks the Huffman tree four bits at a time. Each of the 256
// internal nodes of the tree is a state; for each state and each nibble,
// huffmanStep says which state follows and whether a symbol was completed
// on the way (at most one can be: no code is shorter than five bits).
const (
	stepEmit   = 1 << iota // sym completed
	stepFail               // the bits reached EOS, which must never be decoded
	stepAccept             // the state after the nibble may end the string
)

type huffmanStep struct {
	next  uint8
	sym   uint8
	flags uint8
}

type huffmanDecodeTable [256][16]huffmanStep

// decodeTable builds the decoding automaton once from the code table.
var decodeTable = sync.OnceValue(func() *huffmanDecodeTable {
	// Build the tree: node 0 is the root; leaves are stored as negative
	// symbol numbers minus one.
	type node struct{ child [2]int }
	nodes := []node{{}}
	insert := func(code uint32, length uint8, sym int) {
		n := 0
		for i := int(length) - 1; i >= 0; i-- {
			bit := (code >> uint(i)) & 1
			if i == 0 {
				nodes[n].child[bit] = -(sym + 1)
				return
			}
			if nodes[n].child[bit] == 0 {
				nodes = append(nodes, node{})
				nodes[n].child[bit] = len(nodes) - 1
			}
			n = nodes[n].child[bit]
		}
	}
	for sym := 0; sym < 256; sym++ {
		insert(huffmanCodes[sym], huffmanLengths[sym], sym)
	}
	insert(0x3fffffff, 30, 256) // EOS
	// accept[n]: node n lies on the all-ones path at depth 0 to 7, so a
	// string may end there (the rest is padding).
	accept := make([]bool, len(nodes))
	for n, depth := 0, 0; depth < 8; depth++ {
		accept[n] = true
		n = nodes[n].child[1]
	}
	t := new(huffmanDecodeTable)
	for state := range nodes {
		for nibble := 0; nibble < 16; nibble++ {
			n := state
			step := huffmanStep{}
			for i := 3; i >= 0; i-- {
				c := nodes[n].child[(nibble>>uint(i))&1]
				if c < 0 {
					sym := -c - 1
					if sym == 256 {
						step.flags |= stepFail
						break
					}
					step.sym = uint8(sym)
					step.flags |= stepEmit
					c = 0
				}
				n = c
			}
			step.next = uint8(n)
			if accept[n] {
				step.flags |= stepAccept
			}
			t[state][nibble] = step
		}
	}
	return t
})

// AppendHuffmanDecode appends the decoding of the Huffman-coded src to dst.
// It fails with ErrInvalidHuffman on EOS in the data, on padding longer
// than seven bits, or on padding that is not the prefix of EOS.
func AppendHuffmanDecode(dst, src []byte) ([]byte, error) {
	t := decodeTable()
	state := uint8(0)
	accept := true
	for _, b := range src {
		s := t[state][b>>4]
		if s.flags&stepFail != 0 {
			return dst, ErrInvalidHuffman
		}
		if s.flags&stepEmit != 0 {
			dst = append(dst, s.sym)
		}
		s2 := t[s.next][b&0xf]
		if s2.flags&stepFail != 0 {
			return dst, ErrInvalidHuffman
		}
		if s2.flags&stepEmit != 0 {
			dst = append(dst, s2.sym)
		}
		state = s2.next
		accept = s2.flags&stepAccept != 0
	}
	if !accept {
		return dst, ErrInvalidHuffman
	}
	return dst, nil
}
