package main

import (
	"bytes"
	"strings"
	"testing"
)

const corpus = "../../mime/testdata/corpus/"

func TestTree(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{corpus + "nested-multipart.eml"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Subject: Nested parts",
		"      1.2.2  image/png                 base64                 410 octets",
		"    2 msg    multipart/mixed",
		`attachment "recipe.csv"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-part", "1.1", corpus + "nested-multipart.eml"}, "Bob, voil\xc3\xa0 une cr\xc3\xaape."},
		{[]string{"-part", "4", corpus + "rfc2231-attachment.eml"}, "caf\xe9"},
		{[]string{"-part", "4", "-text", corpus + "rfc2231-attachment.eml"}, "café"},
		{[]string{"-part", "2.HEADER", "-raw", corpus + "digest.eml"}, "From: Bob <bob@hamburger.edu>\r\nSubject: Re: Buckwheat?\r\nIn-Reply-To: <1@crepes.fr>\r\n\r\n"},
		{[]string{"-part", "3", corpus + "rfc2231-attachment.eml"}, "\x00\x01\x02\x03"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(tt.args, &out); err != nil {
			t.Errorf("run(%q): %v", tt.args, err)
			continue
		}
		if out.String() != tt.want {
			t.Errorf("run(%q) = %q, want %q", tt.args, out.String(), tt.want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"no-such-file.eml"},
		{"-part", "9", corpus + "digest.eml"},
		{"-part", "1", corpus + "nested-multipart.eml"},
		{"-part", "x.y", corpus + "digest.eml"},
	} {
		var out bytes.Buffer
		if err := run(args, &out); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
