package hpack

import (
	"encoding/binary"
	"sync"
)

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

// Decoding uses the code's structure. RFC 7541's code is canonical: codes
// of one length are consecutive numbers, in symbol order, and each length's
// first code follows from the previous length's last. So a decoder can
// look at the next bits of the input as a number: the symbols whose codes
// are at most primaryBits long are found with one look-up in a table
// indexed by the next primaryBits bits (every printable ASCII character
// is 5 to 11 bits long); a longer code is found by comparing the
// number with each length's first code.

// primaryBits is the width of the look-up table's index.
const primaryBits = 11

// huffmanDecoder holds the tables, built once from huffmanCodes.
type huffmanDecoder struct {
	// primary[v]: the symbol whose code is a prefix of the primaryBits-bit
	// value v, and the code's length; length 0 means a longer code.
	primary [1 << primaryBits]struct{ sym, len uint8 }
	// For each length L: firstCode[L] is the first code of that length,
	// count[L] how many codes have it, and offset[L] where their symbols
	// start in symbols (sorted by length, then symbol).
	firstCode [31]uint32
	count     [31]uint32
	offset    [31]uint32
	symbols   [257]uint16
}

var huffmanTables = sync.OnceValue(func() *huffmanDecoder {
	d := new(huffmanDecoder)
	n := 0
	for l := uint8(1); l <= 30; l++ {
		d.offset[l] = uint32(n)
		for sym := 0; sym <= 256; sym++ {
			code, length := uint32(0x3fffffff), uint8(30) // EOS
			if sym < 256 {
				code, length = huffmanCodes[sym], huffmanLengths[sym]
			}
			if length != l {
				continue
			}
			if d.count[l] == 0 {
				d.firstCode[l] = code
			}
			d.count[l]++
			d.symbols[n] = uint16(sym)
			n++
			if l <= primaryBits {
				// Every index that starts with this code decodes to it.
				base := code << (primaryBits - l)
				for i := uint32(0); i < 1<<(primaryBits-l); i++ {
					d.primary[base+i] = struct{ sym, len uint8 }{uint8(sym), l}
				}
			}
		}
	}
	return d
})

// AppendHuffmanDecode appends the decoding of the Huffman-coded src to dst.
// It fails with ErrInvalidHuffman on EOS in the data, on padding longer
// than seven bits, or on padding that is not the prefix of EOS.
func AppendHuffmanDecode(dst, src []byte) ([]byte, error) {
	t := huffmanTables()
	var acc uint64 // pending bits, left-aligned: the next bit is bit 63
	var n uint     // how many bits acc holds
	for {
		if n <= 32 && len(src) >= 4 {
			acc |= uint64(binary.BigEndian.Uint32(src)) << (32 - n)
			src = src[4:]
			n += 32
		}
		for n <= 56 && len(src) > 0 {
			acc |= uint64(src[0]) << (56 - n)
			src = src[1:]
			n += 8
		}
		if n == 0 {
			return dst, nil
		}
		if e := t.primary[acc>>(64-primaryBits)]; e.len != 0 && uint(e.len) <= n {
			dst = append(dst, e.sym)
			acc <<= e.len
			n -= uint(e.len)
			continue
		}
		// A longer code, or the end of the input.
		sym, l := t.decodeLong(acc, n)
		if l == 0 {
			// No whole code is left: what remains must be padding, fewer
			// than eight one bits (RFC 7541 section 5.2).
			if n >= 8 || acc != ^uint64(0)<<(64-n) {
				return dst, ErrInvalidHuffman
			}
			return dst, nil
		}
		if sym == 256 {
			return dst, ErrInvalidHuffman
		}
		dst = append(dst, byte(sym))
		acc <<= l
		n -= l
	}
}

// decodeLong finds the code at the front of acc among codes of any length
// that fits in n bits; l is 0 when none does.
func (t *huffmanDecoder) decodeLong(acc uint64, n uint) (sym uint16, l uint) {
	for l = 5; l <= 30 && l <= n; l++ {
		if t.count[l] == 0 {
			continue
		}
		v := uint32(acc >> (64 - l))
		if v-t.firstCode[l] < t.count[l] {
			return t.symbols[t.offset[l]+v-t.firstCode[l]], l
		}
	}
	return 0, 0
}
