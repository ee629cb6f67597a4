package bencode

import (
	"reflect"
	"slices"
	"strconv"
)

// Marshal returns the canonical bencoding of v.
//
// Integer kinds and bool (as 0 or 1) become integers; string, []byte and
// byte arrays become byte strings; other slices and arrays become lists;
// maps with string keys and structs become dictionaries with keys in
// ascending byte order, as BEP 3 requires. A struct field's key is the name
// in its `bencode:"name"` tag or else the Go field name; `bencode:"-"`
// leaves the field out and `bencode:"name,omitempty"` leaves it out when it
// is the zero value. Nil pointers and interfaces in a struct or map are left
// out; a [RawMessage] or [Marshaler] is written verbatim. Floats, channels,
// funcs and complex numbers are an [*UnsupportedTypeError].
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends the canonical bencoding of v to b.
func Append(b []byte, v any) ([]byte, error) {
	return appendValue(b, reflect.ValueOf(v))
}

var marshalerType = reflect.TypeFor[Marshaler]()

// AppendString appends s as a bencoded byte string.
func AppendString(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// AppendBytes appends p as a bencoded byte string.
func AppendBytes(b []byte, p []byte) []byte {
	b = strconv.AppendInt(b, int64(len(p)), 10)
	b = append(b, ':')
	return append(b, p...)
}

// AppendInt appends n as a bencoded integer.
func AppendInt(b []byte, n int64) []byte {
	b = append(b, 'i')
	b = strconv.AppendInt(b, n, 10)
	return append(b, 'e')
}

func appendValue(b []byte, v reflect.Value) ([]byte, error) {
	if !v.IsValid() {
		return b, &UnsupportedTypeError{}
	}
	if v.Type().Implements(marshalerType) {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return b, &UnsupportedTypeError{Type: v.Type()}
		}
		p, err := v.Interface().(Marshaler).MarshalBencode()
		if err != nil {
			return b, err
		}
		if !Valid(p) {
			return b, &UnsupportedTypeError{Type: v.Type()}
		}
		return append(b, p...), nil
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return AppendInt(b, v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b = append(b, 'i')
		b = strconv.AppendUint(b, v.Uint(), 10)
		return append(b, 'e'), nil
	case reflect.Bool:
		if v.Bool() {
			return append(b, "i1e"...), nil
		}
		return append(b, "i0e"...), nil
	case reflect.String:
		return AppendString(b, v.String()), nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return AppendBytes(b, v.Bytes()), nil
		}
		return appendList(b, v)
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b = strconv.AppendInt(b, int64(v.Len()), 10)
			b = append(b, ':')
			for i := range v.Len() {
				b = append(b, byte(v.Index(i).Uint()))
			}
			return b, nil
		}
		return appendList(b, v)
	case reflect.Map:
		return appendMap(b, v)
	case reflect.Struct:
		return appendStruct(b, v)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return b, &UnsupportedTypeError{Type: v.Type()}
		}
		return appendValue(b, v.Elem())
	}
	return b, &UnsupportedTypeError{Type: v.Type()}
}

func appendList(b []byte, v reflect.Value) ([]byte, error) {
	b = append(b, 'l')
	for i := range v.Len() {
		var err error
		if b, err = appendValue(b, v.Index(i)); err != nil {
			return b, err
		}
	}
	return append(b, 'e'), nil
}

func appendMap(b []byte, v reflect.Value) ([]byte, error) {
	if v.Type().Key().Kind() != reflect.String {
		return b, &UnsupportedTypeError{Type: v.Type()}
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(x, y reflect.Value) int {
		switch a, b := x.String(), y.String(); {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	b = append(b, 'd')
	for _, k := range keys {
		e := v.MapIndex(k)
		if isNilish(e) {
			continue
		}
		b = AppendString(b, k.String())
		var err error
		if b, err = appendValue(b, e); err != nil {
			return b, err
		}
	}
	return append(b, 'e'), nil
}

func appendStruct(b []byte, v reflect.Value) ([]byte, error) {
	b = append(b, 'd')
	for _, f := range structFields(v.Type()) {
		fv, ok := fieldByIndexNoAlloc(v, f.index)
		if !ok || isNilish(fv) || (f.omitEmpty && fv.IsZero()) {
			continue
		}
		if f.omitEmpty && (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 {
			continue
		}
		b = AppendString(b, f.key)
		var err error
		if b, err = appendValue(b, fv); err != nil {
			return b, err
		}
	}
	return append(b, 'e'), nil
}

func isNilish(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// fieldByIndexNoAlloc walks index, reporting false at a nil embedded pointer.
func fieldByIndexNoAlloc(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}
