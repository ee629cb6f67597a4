package hpack

// Integer and string representations (RFC 7541 sections 5.1 and 5.2).

// maxIntegerBytes bounds the continuation bytes of an integer: 2^32-1 fits
// in an N-bit prefix plus five of them.
const maxIntegerBytes = 5

// appendInteger appends i with an n-bit prefix; first holds the bits of the
// first byte above the prefix.
func appendInteger(dst []byte, first byte, n uint, i uint64) []byte {
	limit := uint64(1)<<n - 1
	if i < limit {
		return append(dst, first|byte(i))
	}
	dst = append(dst, first|byte(limit))
	i -= limit
	for i >= 128 {
		dst = append(dst, byte(i&0x7f)|0x80)
		i >>= 7
	}
	return append(dst, byte(i))
}

// readInteger reads an integer with an n-bit prefix from the start of p.
// It returns the value and the bytes consumed.
func readInteger(p []byte, n uint) (uint64, int, error) {
	if len(p) == 0 {
		return 0, 0, ErrTruncated
	}
	limit := uint64(1)<<n - 1
	i := uint64(p[0]) & limit
	if i < limit {
		return i, 1, nil
	}
	var shift uint
	for k := 1; k < len(p); k++ {
		if k > maxIntegerBytes {
			return 0, 0, ErrIntegerOverflow
		}
		b := p[k]
		i += uint64(b&0x7f) << shift
		if i > 1<<32-1 {
			return 0, 0, ErrIntegerOverflow
		}
		shift += 7
		if b&0x80 == 0 {
			return i, k + 1, nil
		}
	}
	return 0, 0, ErrTruncated
}

// appendString appends s as a string literal, Huffman-coded when that is
// shorter.
func appendString(dst []byte, s string) []byte {
	if h := HuffmanEncodeLength(s); h < len(s) {
		dst = appendInteger(dst, 0x80, 7, uint64(h))
		return AppendHuffman(dst, s)
	}
	dst = appendInteger(dst, 0, 7, uint64(len(s)))
	return append(dst, s...)
}
