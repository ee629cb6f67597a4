package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDomains(t *testing.T) {
	base := config{smtpAddr: "127.0.0.1:2525", store: "mail"}
	tests := []struct {
		name    string
		domains []string
		users   []string
		want    []domainConfig
	}{
		{"default domain", nil, []string{"bob:hungry"}, []domainConfig{{
			name: "localhost", hostname: "mx.localhost", smtpAddr: "127.0.0.1:2525",
			users: map[string]string{"bob": "hungry"}, store: "mail",
		}}},
		{"one domain as before", []string{"Hamburger.EDU"}, []string{"Bob:hungry", "carol@hamburger.edu:x:y"}, []domainConfig{{
			name: "hamburger.edu", hostname: "mx.hamburger.edu", smtpAddr: "127.0.0.1:2525",
			users: map[string]string{"bob": "hungry", "carol": "x:y"}, store: "mail",
		}}},
		{"two domains", []string{
			"crepes.fr,smtp=127.0.0.2:25,submission=127.0.0.1:587",
			"hamburger.edu,smtp=127.0.0.3:25,pop3=127.0.0.1:110,imap=127.0.0.1:143,hostname=mail.hamburger.edu",
		}, []string{"alice:ketchup", "bob@hamburger.edu:hungry"}, []domainConfig{{
			name: "crepes.fr", hostname: "mx.crepes.fr", smtpAddr: "127.0.0.2:25", submissionAddr: "127.0.0.1:587",
			users: map[string]string{"alice": "ketchup"}, store: "mail/crepes.fr", tag: "@crepes.fr",
		}, {
			name: "hamburger.edu", hostname: "mail.hamburger.edu", smtpAddr: "127.0.0.3:25", pop3Addr: "127.0.0.1:110",
			imapAddr: "127.0.0.1:143", users: map[string]string{"bob": "hungry"}, store: "mail/hamburger.edu", tag: "@hamburger.edu",
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			cfg.domains, cfg.users = tt.domains, tt.users
			got, err := parseDomains(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(domainConfig{})); diff != "" {
				t.Errorf("parseDomains (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDomainsErrors(t *testing.T) {
	tests := []struct {
		domains, users []string
		want           string
	}{
		{[]string{""}, nil, "no name"},
		{[]string{"a.example", "A.example"}, nil, "given twice"},
		{[]string{"a.example,smtp"}, nil, "not KEY=VALUE"},
		{[]string{"a.example,ftp=1.2.3.4:21"}, nil, "unknown option"},
		{[]string{"a.example"}, []string{"bob"}, "want name:password"},
		{[]string{"a.example"}, []string{"bob@b.example:pw"}, "not a -domain"},
		{[]string{"a.example"}, []string{"@a.example:pw"}, "empty name"},
	}
	for _, tt := range tests {
		_, err := parseDomains(config{domains: tt.domains, users: tt.users, store: "mail"})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parseDomains(%q, %q) = %v, want an error with %q", tt.domains, tt.users, err, tt.want)
		}
	}
}
