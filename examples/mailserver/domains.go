package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// domainConfig is one mail domain this process serves: its name, its
// listeners, its users and where its mail lives on disk.
type domainConfig struct {
	name, hostname           string
	smtpAddr, submissionAddr string
	pop3Addr, imapAddr       string
	users                    map[string]string // name -> password
	store                    string            // holds mailboxes/ and queue/
	tag                      string            // "" or "@name", appended to the proto of the listening lines
}

// parseDomains turns the -domain, -user and address flags into one
// domainConfig per domain.
//
// A -domain value is NAME or NAME,KEY=VALUE,... with the keys smtp,
// submission, pop3, imap (listen addresses) and hostname. The address flags
// (-smtp, -submission, -pop3, -imap) and -hostname are the defaults of the
// first domain; the others listen only where their options say. One domain
// keeps its mail in STORE itself, several in STORE/NAME each.
//
// A -user value is name@domain:password, or name:password for the first
// domain.
func parseDomains(cfg config) ([]domainConfig, error) {
	specs := cfg.domains
	if len(specs) == 0 {
		specs = list{"localhost"}
	}
	var ds []domainConfig
	index := map[string]int{}
	for i, spec := range specs {
		name, opts, _ := strings.Cut(spec, ",")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			return nil, fmt.Errorf("bad -domain %q: no name", spec)
		}
		if _, dup := index[name]; dup {
			return nil, fmt.Errorf("-domain %s given twice", name)
		}
		d := domainConfig{name: name, users: map[string]string{}}
		if i == 0 {
			d.smtpAddr, d.submissionAddr, d.pop3Addr, d.imapAddr = cfg.smtpAddr, cfg.submissionAddr, cfg.pop3Addr, cfg.imapAddr
			d.hostname = cfg.hostname
		}
		if opts != "" {
			for _, kv := range strings.Split(opts, ",") {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return nil, fmt.Errorf("bad -domain %q: option %q is not KEY=VALUE", spec, kv)
				}
				switch strings.TrimSpace(k) {
				case "smtp":
					d.smtpAddr = v
				case "submission":
					d.submissionAddr = v
				case "pop3":
					d.pop3Addr = v
				case "imap":
					d.imapAddr = v
				case "hostname":
					d.hostname = v
				default:
					return nil, fmt.Errorf("bad -domain %q: unknown option %q (want smtp, submission, pop3, imap or hostname)", spec, k)
				}
			}
		}
		if d.hostname == "" {
			d.hostname = "mx." + name
		}
		d.store = cfg.store
		if len(specs) > 1 {
			d.store = filepath.Join(cfg.store, name)
			d.tag = "@" + name
		}
		index[name] = len(ds)
		ds = append(ds, d)
	}
	for _, u := range cfg.users {
		user, pass, ok := strings.Cut(u, ":")
		if !ok || user == "" {
			return nil, fmt.Errorf("bad -user %q: want name:password or name@domain:password", u)
		}
		d := 0
		if at := strings.LastIndexByte(user, '@'); at >= 0 {
			dom := strings.ToLower(user[at+1:])
			i, ok := index[dom]
			if !ok {
				return nil, fmt.Errorf("bad -user %q: %s is not a -domain of this server", u, dom)
			}
			d, user = i, user[:at]
		}
		if user == "" {
			return nil, fmt.Errorf("bad -user %q: empty name", u)
		}
		ds[d].users[strings.ToLower(user)] = pass
	}
	return ds, nil
}
