package bencode

import (
	"bytes"
	"reflect"
)

// Limits applied when a [Decoder] field is zero.
const (
	// DefaultMaxDepth bounds how deeply lists and dictionaries nest.
	DefaultMaxDepth = 64
	// DefaultMaxStringLength bounds one byte string, in octets. It is large
	// enough for the piece-hash string of a torrent of several hundred GiB.
	DefaultMaxStringLength = 32 << 20
	// maxIntDigits is the longest integer body accepted: a sign and the 20
	// digits of the largest uint64.
	maxIntDigits = 21
)

// A Decoder holds decoding options. The zero value is lenient about key
// order and uses the default limits; it is safe for concurrent use.
type Decoder struct {
	// MaxDepth bounds nesting of lists and dictionaries. If zero,
	// DefaultMaxDepth is used.
	MaxDepth int
	// MaxStringLength bounds each byte string in octets (the declared length,
	// checked before any copy). If zero, DefaultMaxStringLength is used.
	MaxStringLength int
	// Strict refuses dictionaries whose keys are not in strictly ascending
	// byte order (so unsorted or repeated keys), as BEP 3 requires of
	// encoders. Without it such input is accepted and the last repeated key
	// wins.
	Strict bool
	// DisallowUnknownFields makes a dictionary key with no matching struct
	// field an error instead of being skipped.
	DisallowUnknownFields bool
}

// Unmarshal decodes the single bencoded value in data into v, which must be
// a non-nil pointer, using the default [Decoder].
//
// Integers decode into any integer kind (range-checked) or bool; byte
// strings into string, []byte or a byte array of exactly the right length;
// lists into slices or arrays; dictionaries into maps with string keys or
// structs (see [Marshal] for the field tags). Into an empty interface they
// become int64, string, []any and map[string]any.
func Unmarshal(data []byte, v any) error {
	var d Decoder
	return d.Unmarshal(data, v)
}

// Unmarshal decodes the single value in data into v; bytes after it are
// ErrTrailingData.
func (d *Decoder) Unmarshal(data []byte, v any) error {
	n, err := d.UnmarshalPrefix(data, v)
	if err != nil {
		return err
	}
	if n != len(data) {
		return &SyntaxError{Offset: n, Err: ErrTrailingData}
	}
	return nil
}

// UnmarshalPrefix decodes the first value in data into v and returns how
// many bytes it used. Messages such as ut_metadata's data carry raw bytes
// after a bencoded dictionary.
func (d *Decoder) UnmarshalPrefix(data []byte, v any) (int, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return 0, &InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	s := decodeState{data: data, d: d, maxDepth: d.MaxDepth, maxStr: d.MaxStringLength}
	if s.maxDepth <= 0 {
		s.maxDepth = DefaultMaxDepth
	}
	if s.maxStr <= 0 {
		s.maxStr = DefaultMaxStringLength
	}
	if err := s.value(rv.Elem()); err != nil {
		return s.off, err
	}
	return s.off, nil
}

// Valid reports whether data is exactly one well-formed bencoded value
// within the default limits.
func Valid(data []byte) bool {
	var raw RawMessage
	return Unmarshal(data, &raw) == nil
}

// decodeState is one decoding pass over data; off is the next byte.
type decodeState struct {
	data     []byte
	off      int
	depth    int
	d        *Decoder
	maxDepth int
	maxStr   int
}

var (
	rawType         = reflect.TypeFor[RawMessage]()
	unmarshalerType = reflect.TypeFor[Unmarshaler]()
)

func (s *decodeState) errAt(off int, err error, detail string) error {
	return &SyntaxError{Offset: off, Err: err, Detail: detail}
}

func (s *decodeState) peek() (byte, error) {
	if s.off >= len(s.data) {
		return 0, s.errAt(s.off, ErrUnexpectedEOF, "")
	}
	return s.data[s.off], nil
}

// value decodes the next value into v.
func (s *decodeState) value(v reflect.Value) error {
	if v.CanAddr() && v.Kind() != reflect.Interface && v.Addr().Type().Implements(unmarshalerType) {
		start := s.off
		if err := s.skip(); err != nil {
			return err
		}
		if v.Kind() == reflect.Pointer && v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		u := v.Addr().Interface().(Unmarshaler)
		if err := u.UnmarshalBencode(s.data[start:s.off]); err != nil {
			return s.errAt(start, ErrType, err.Error())
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return s.value(v.Elem())
	case reflect.Interface:
		if v.NumMethod() != 0 {
			return s.errAt(s.off, ErrType, "into "+v.Type().String())
		}
		x, err := s.generic()
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(x))
		return nil
	}
	c, err := s.peek()
	if err != nil {
		return err
	}
	switch {
	case c == 'i':
		return s.intInto(v)
	case c >= '0' && c <= '9':
		return s.stringInto(v)
	case c == 'l':
		return s.listInto(v)
	case c == 'd':
		return s.dictInto(v)
	}
	return s.errAt(s.off, ErrInvalid, "")
}

// integer parses "i…e" at off and returns the magnitude, the sign and the
// start offset. It refuses empty bodies, leading zeros and "-0".
func (s *decodeState) integer() (mag uint64, neg bool, start int, err error) {
	start = s.off
	i := s.off + 1
	if i < len(s.data) && s.data[i] == '-' {
		neg = true
		i++
	}
	digits := i
	for ; i < len(s.data) && s.data[i] >= '0' && s.data[i] <= '9'; i++ {
		if i-digits >= maxIntDigits {
			return 0, false, start, s.errAt(i, ErrIntegerRange, "")
		}
		d := uint64(s.data[i] - '0')
		if mag > (^uint64(0)-d)/10 {
			return 0, false, start, s.errAt(start, ErrIntegerRange, "")
		}
		mag = mag*10 + d
	}
	if i >= len(s.data) {
		return 0, false, start, s.errAt(i, ErrUnexpectedEOF, "")
	}
	if s.data[i] != 'e' || i == digits {
		return 0, false, start, s.errAt(i, ErrInvalid, "in integer")
	}
	if s.data[digits] == '0' && (i-digits > 1 || neg) {
		return 0, false, start, s.errAt(digits, ErrInvalid, "leading zero or negative zero")
	}
	s.off = i + 1
	return mag, neg, start, nil
}

// int64Of converts a parsed magnitude and sign to int64.
func int64Of(mag uint64, neg bool) (int64, bool) {
	if neg {
		if mag > 1<<63 {
			return 0, false
		}
		return int64(-mag), true
	}
	if mag > 1<<63-1 {
		return 0, false
	}
	return int64(mag), true
}

func (s *decodeState) intInto(v reflect.Value) error {
	mag, neg, start, err := s.integer()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := int64Of(mag, neg)
		if !ok || v.OverflowInt(n) {
			return s.errAt(start, ErrIntegerRange, "into "+v.Type().String())
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if neg || v.OverflowUint(mag) {
			return s.errAt(start, ErrIntegerRange, "into "+v.Type().String())
		}
		v.SetUint(mag)
	case reflect.Bool:
		if neg || mag > 1 {
			return s.errAt(start, ErrIntegerRange, "into bool")
		}
		v.SetBool(mag == 1)
	default:
		return s.errAt(start, ErrType, "integer into "+v.Type().String())
	}
	return nil
}

// str parses "len:bytes" at off and returns the bytes (aliasing data).
func (s *decodeState) str() ([]byte, int, error) {
	start := s.off
	i := s.off
	n := 0
	for ; i < len(s.data) && s.data[i] >= '0' && s.data[i] <= '9'; i++ {
		n = n*10 + int(s.data[i]-'0')
		if n > s.maxStr {
			return nil, start, s.errAt(start, ErrStringLength, "")
		}
	}
	if i >= len(s.data) {
		return nil, start, s.errAt(i, ErrUnexpectedEOF, "")
	}
	if s.data[i] != ':' {
		return nil, start, s.errAt(i, ErrInvalid, "in string length")
	}
	if s.data[start] == '0' && i-start > 1 {
		return nil, start, s.errAt(start, ErrInvalid, "leading zero in string length")
	}
	i++
	if n > len(s.data)-i {
		return nil, start, s.errAt(len(s.data), ErrUnexpectedEOF, "")
	}
	s.off = i + n
	return s.data[i : i+n], start, nil
}

func (s *decodeState) stringInto(v reflect.Value) error {
	b, start, err := s.str()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(string(b))
		return nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes(bytes.Clone(b))
			if v.IsNil() {
				v.SetBytes([]byte{})
			}
			return nil
		}
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if len(b) != v.Len() {
				return s.errAt(start, ErrType, "string length does not fit "+v.Type().String())
			}
			reflect.Copy(v, reflect.ValueOf(b))
			return nil
		}
	}
	return s.errAt(start, ErrType, "string into "+v.Type().String())
}

func (s *decodeState) enter() error {
	s.depth++
	if s.depth > s.maxDepth {
		return s.errAt(s.off, ErrDepth, "")
	}
	return nil
}

func (s *decodeState) listInto(v reflect.Value) error {
	start := s.off
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
	default:
		return s.errAt(start, ErrType, "list into "+v.Type().String())
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.off++
	if v.Kind() == reflect.Slice {
		v.SetLen(0)
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		}
	}
	i := 0
	for {
		c, err := s.peek()
		if err != nil {
			return err
		}
		if c == 'e' {
			s.off++
			break
		}
		if v.Kind() == reflect.Slice {
			v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
			if err := s.value(v.Index(i)); err != nil {
				return err
			}
		} else {
			if i >= v.Len() {
				return s.errAt(s.off, ErrType, "list longer than "+v.Type().String())
			}
			if err := s.value(v.Index(i)); err != nil {
				return err
			}
		}
		i++
	}
	if v.Kind() == reflect.Array && i != v.Len() {
		return s.errAt(start, ErrType, "list shorter than "+v.Type().String())
	}
	s.depth--
	return nil
}

// key reads a dictionary key and enforces the strict ordering rule.
func (s *decodeState) key(prev []byte, first bool) ([]byte, error) {
	c, err := s.peek()
	if err != nil {
		return nil, err
	}
	if c < '0' || c > '9' {
		return nil, s.errAt(s.off, ErrInvalid, "dictionary key is not a string")
	}
	k, start, err := s.str()
	if err != nil {
		return nil, err
	}
	if s.d.Strict && !first && bytes.Compare(prev, k) >= 0 {
		return nil, s.errAt(start, ErrNonCanonical, "key "+quote(k)+" out of order")
	}
	return k, nil
}

func (s *decodeState) dictInto(v reflect.Value) error {
	start := s.off
	var fields []field
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return s.errAt(start, ErrType, "dictionary into "+v.Type().String())
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
	case reflect.Struct:
		fields = structFields(v.Type())
	default:
		return s.errAt(start, ErrType, "dictionary into "+v.Type().String())
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.off++
	var prev []byte
	for first := true; ; first = false {
		c, err := s.peek()
		if err != nil {
			return err
		}
		if c == 'e' {
			s.off++
			break
		}
		keyOff := s.off
		k, err := s.key(prev, first)
		if err != nil {
			return err
		}
		prev = k
		if v.Kind() == reflect.Map {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := s.value(elem); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(string(k)).Convert(v.Type().Key()), elem)
			continue
		}
		f, ok := lookupField(fields, k)
		if !ok {
			if s.d.DisallowUnknownFields {
				return s.errAt(keyOff, ErrUnknownField, quote(k))
			}
			if err := s.skip(); err != nil {
				return err
			}
			continue
		}
		fv, err := fieldByIndex(v, f.index)
		if err != nil {
			return s.errAt(keyOff, ErrType, err.Error())
		}
		if err := s.value(fv); err != nil {
			return err
		}
	}
	s.depth--
	return nil
}

// fieldByIndex is reflect.Value.FieldByIndex that allocates nil embedded
// pointers instead of panicking.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, nil
}

// generic decodes the next value into int64, string, []any or map[string]any.
func (s *decodeState) generic() (any, error) {
	c, err := s.peek()
	if err != nil {
		return nil, err
	}
	switch {
	case c == 'i':
		mag, neg, start, err := s.integer()
		if err != nil {
			return nil, err
		}
		n, ok := int64Of(mag, neg)
		if !ok {
			return nil, s.errAt(start, ErrIntegerRange, "beyond int64")
		}
		return n, nil
	case c >= '0' && c <= '9':
		b, _, err := s.str()
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case c == 'l':
		if err := s.enter(); err != nil {
			return nil, err
		}
		s.off++
		list := []any{}
		for {
			c, err := s.peek()
			if err != nil {
				return nil, err
			}
			if c == 'e' {
				s.off++
				s.depth--
				return list, nil
			}
			x, err := s.generic()
			if err != nil {
				return nil, err
			}
			list = append(list, x)
		}
	case c == 'd':
		if err := s.enter(); err != nil {
			return nil, err
		}
		s.off++
		m := map[string]any{}
		var prev []byte
		for first := true; ; first = false {
			c, err := s.peek()
			if err != nil {
				return nil, err
			}
			if c == 'e' {
				s.off++
				s.depth--
				return m, nil
			}
			k, err := s.key(prev, first)
			if err != nil {
				return nil, err
			}
			prev = k
			x, err := s.generic()
			if err != nil {
				return nil, err
			}
			m[string(k)] = x
		}
	}
	return nil, s.errAt(s.off, ErrInvalid, "")
}

// skip validates and steps over the next value without storing it.
func (s *decodeState) skip() error {
	c, err := s.peek()
	if err != nil {
		return err
	}
	switch {
	case c == 'i':
		_, _, _, err := s.integer()
		return err
	case c >= '0' && c <= '9':
		_, _, err := s.str()
		return err
	case c == 'l':
		if err := s.enter(); err != nil {
			return err
		}
		s.off++
		for {
			c, err := s.peek()
			if err != nil {
				return err
			}
			if c == 'e' {
				s.off++
				s.depth--
				return nil
			}
			if err := s.skip(); err != nil {
				return err
			}
		}
	case c == 'd':
		if err := s.enter(); err != nil {
			return err
		}
		s.off++
		var prev []byte
		for first := true; ; first = false {
			c, err := s.peek()
			if err != nil {
				return err
			}
			if c == 'e' {
				s.off++
				s.depth--
				return nil
			}
			k, err := s.key(prev, first)
			if err != nil {
				return err
			}
			prev = k
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	return s.errAt(s.off, ErrInvalid, "")
}

// errorQuoteLimit caps how much of an offending key an error message shows.
const errorQuoteLimit = 40

func quote(b []byte) string {
	if len(b) > errorQuoteLimit {
		b = b[:errorQuoteLimit]
	}
	return `"` + string(bytes.ToValidUTF8(b, []byte("?"))) + `"`
}
