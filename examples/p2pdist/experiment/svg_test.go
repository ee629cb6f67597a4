package experiment

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWriteSVG checks that the plot is well-formed XML with the parts the
// lesson's figure has: both bound curves over every N, one point per
// measurement for each design, labelled axes and a legend.
func TestWriteSVG(t *testing.T) {
	p := Params{F: 1 << 20, Us: 5 << 20, U: 512 << 10}
	var rows []Row
	for _, n := range []int{1, 5, 10, 30} {
		rows = append(rows, Row{N: n, CS: p.BoundCS(n) * 1.05, BoundCS: p.BoundCS(n), P2P: p.BoundP2P(n) * 1.2, BoundP2P: p.BoundP2P(n)})
	}
	var buf bytes.Buffer
	if err := WriteSVG(&buf, p, rows); err != nil {
		t.Fatal(err)
	}

	type element struct{ name, class string }
	var (
		elements []element
		texts    []string
		stack    []string
		classOf  = map[string]string{}
		points   = map[string]int{}
	)
	d := xml.NewDecoder(&buf)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, buf.String())
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			class := ""
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "class":
					class = a.Value
				case "points":
					points[class] = len(strings.Fields(a.Value))
				}
			}
			if class == "" && len(stack) > 0 {
				class = classOf[stack[len(stack)-1]]
			}
			if len(stack) == 0 && (tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root element is %v, want svg in the SVG namespace", tok.Name)
			}
			key := tok.Name.Local + "#" + class
			classOf[key] = class
			stack = append(stack, key)
			elements = append(elements, element{tok.Name.Local, class})
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	count := func(name, class string) int {
		n := 0
		for _, e := range elements {
			if e.name == name && e.class == class {
				n++
			}
		}
		return n
	}
	got := map[string]int{
		"bound-cs polylines":    count("polyline", "bound-cs"),
		"bound-p2p polylines":   count("polyline", "bound-p2p"),
		"bound-cs points":       points["bound-cs"],
		"bound-p2p points":      points["bound-p2p"],
		"measured-cs circles":   count("circle", "measured-cs"),
		"measured-p2p circles":  count("circle", "measured-p2p"),
		"measured-cs polyline":  count("polyline", "measured-cs"),
		"measured-p2p polyline": count("polyline", "measured-p2p"),
		"legend texts":          count("text", "legend"),
		"x labels":              count("text", "xlabel"),
		"y labels":              count("text", "ylabel"),
	}
	want := map[string]int{
		"bound-cs polylines": 1, "bound-p2p polylines": 1,
		"bound-cs points": 30, "bound-p2p points": 30, // N = 1..30
		"measured-cs circles": 4, "measured-p2p circles": 4,
		"measured-cs polyline": 1, "measured-p2p polyline": 1,
		"legend texts": 4, "x labels": 1, "y labels": 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SVG elements (-want +got):\n%s", diff)
	}
	all := strings.Join(texts, "\n")
	for _, s := range []string{"N (number of peers)", "minimum distribution time (s)", "client-server, measured", "P2P, measured", "Σui"} {
		if !strings.Contains(all, s) {
			t.Errorf("the plot has no text %q", s)
		}
	}
}

func TestWriteSVGEmpty(t *testing.T) {
	if err := WriteSVG(io.Discard, Params{F: 1, Us: 1, U: 1}, nil); err == nil {
		t.Error("WriteSVG with no rows did not fail")
	}
}

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ top, want float64 }{{30, 5}, {9.5, 2}, {3.2, 0.5}, {0.8, 0.1}, {100, 20}} {
		if got := niceStep(tt.top); got != tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.top, got, tt.want)
		}
	}
}
