package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	zone := filepath.Join(dir, "example.test.zone")
	os.WriteFile(zone, []byte("$ORIGIN example.test.\n@ 300 SOA ns1 hostmaster 1 2 3 4 5\n@ NS ns1\nns1 A 127.0.0.1\n"), 0o644)
	hints := filepath.Join(dir, "named.root")
	os.WriteFile(hints, []byte(". 3600000 NS a.root-servers.net.\na.root-servers.net. 3600000 A 198.41.0.4\n"), 0o644)
	if _, err := build(list{zone}, list{"127.0.0.0/8"}, nil, true, hints, 53, nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := build(nil, nil, nil, false, "", 53, nil, 0); err == nil {
		t.Error("nothing to serve: no error")
	}
	if _, err := build(nil, nil, nil, true, "", 53, nil, 0); err == nil {
		t.Error("-recursive without hints: no error")
	}
	if _, err := build(list{hints}, nil, nil, false, "", 53, nil, 0); err == nil {
		t.Error("zone without SOA: no error")
	}
}

func TestShippedRootHints(t *testing.T) {
	roots, err := loadHints("named.root", 53)
	if err != nil || len(roots) != 13 {
		t.Fatalf("named.root: %d roots, %v", len(roots), err)
	}
}
