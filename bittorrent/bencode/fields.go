package bencode

import (
	"reflect"
	"slices"
	"strings"
)

// field is one struct field mapped to a dictionary key.
type field struct {
	key       string
	index     []int
	omitEmpty bool
}

// structFields lists the dictionary keys of struct type t, sorted by key so
// that encoding is canonical. A field's key is its `bencode:"name"` tag or,
// without a tag, its Go name; `bencode:"-"` skips it; the ",omitempty"
// option leaves out zero values. Untagged embedded structs are flattened.
func structFields(t reflect.Type) []field {
	var out []field
	collectFields(t, nil, &out, 0)
	slices.SortStableFunc(out, func(a, b field) int { return strings.Compare(a.key, b.key) })
	// On duplicate keys the shallowest (first listed) field wins.
	return slices.CompactFunc(out, func(a, b field) bool { return a.key == b.key })
}

// maxEmbedDepth bounds the flattening of embedded structs.
const maxEmbedDepth = 8

func collectFields(t reflect.Type, prefix []int, out *[]field, depth int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("bencode")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		index := append(slices.Clone(prefix), i)
		if sf.Anonymous && !hasTag && depth < maxEmbedDepth {
			ft := sf.Type
			if ft.Kind() == reflect.Struct {
				collectFields(ft, index, out, depth+1)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		*out = append(*out, field{key: name, index: index, omitEmpty: opts == "omitempty"})
	}
}

// lookupField finds key among fields sorted by key.
func lookupField(fields []field, key []byte) (field, bool) {
	i, ok := slices.BinarySearchFunc(fields, key, func(f field, k []byte) int {
		return strings.Compare(f.key, string(k))
	})
	if !ok {
		return field{}, false
	}
	return fields[i], true
}
