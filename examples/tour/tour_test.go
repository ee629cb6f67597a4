package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTourShort runs every chapter in short mode so the tour cannot rot.
func TestTourShort(t *testing.T) {
	for _, c := range chapters {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := runTour(t.Context(), &out, c.name, true); err != nil {
				t.Fatalf("chapter %s: %v\n%s", c.name, err, out.String())
			}
			if !strings.Contains(out.String(), "=== "+c.name) {
				t.Errorf("chapter %s printed no heading:\n%s", c.name, out.String())
			}
		})
	}
}

func TestTourUnknownChapter(t *testing.T) {
	if err := runTour(t.Context(), &bytes.Buffer{}, "no-such-chapter", true); err == nil {
		t.Error("an unknown chapter did not fail")
	}
}

func TestEchoChapterDialogue(t *testing.T) {
	var out bytes.Buffer
	if err := runTour(t.Context(), &out, "echo", true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"C: straße", "S: STRASSE", "S: FINAL FLOURISH"} {
		if strings.Count(out.String(), want) != 2 {
			t.Errorf("want %q once for UDP and once for TCP in:\n%s", want, out.String())
		}
	}
}
