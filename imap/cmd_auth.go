package imap

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"strconv"
)

// canAuth reports whether credentials may be sent on this connection.
func (c *conn) canAuth() bool { return c.isTLS || c.srv.AllowInsecureAuth }

// capValues lists the capabilities for the current state (RFC 9051
// section 7.2.2).
func (c *conn) capValues() []Value {
	caps := []Value{Atom(CapIMAP4rev1), Atom(CapIMAP4rev2)}
	if c.state == StateNotAuthenticated {
		if c.srv.TLSConfig != nil && !c.isTLS {
			caps = append(caps, Atom(CapStartTLS))
		}
		if c.canAuth() {
			caps = append(caps, Atom(CapAuthPlain), Atom(CapSASLIR))
		} else {
			caps = append(caps, Atom(CapLoginDisabled))
		}
	}
	caps = append(caps, Atom(CapLiteralPlus), Atom(CapIdle), Atom(CapUIDPlus), Atom(CapMove),
		Atom(CapUnselect), Atom(CapNamespace), Atom(CapEnable), Atom(CapESearch), Atom(CapSpecialUse),
		Atom(CapChildren), Atom(CapBinary), Atom(CapStatusSize), Atom(CapID),
		Atom(string(CapAppendLimit)+"="+strconv.FormatInt(c.srv.maxLiteral(), 10)))
	return caps
}

func (c *conn) cmdCapability(ctx context.Context, cmd *Command) error {
	c.untagged("CAPABILITY", c.capValues()...)
	return nil
}

func (c *conn) cmdNoop(ctx context.Context, cmd *Command) error { return nil }

func (c *conn) cmdID(ctx context.Context, cmd *Command) error {
	c.untagged("ID", List{String("name"), String("applayer")})
	return nil
}

func (c *conn) cmdLogout(ctx context.Context, cmd *Command) error {
	c.writeStatus("*", StatusBYE, "", nil, "logging out")
	c.state = StateLogout
	return nil
}

func (c *conn) cmdStartTLS(ctx context.Context, cmd *Command) error {
	if c.srv.TLSConfig == nil || c.isTLS {
		return bad("STARTTLS not available")
	}
	if c.r.Buffered() > 0 {
		// Anything pipelined after STARTTLS would be trusted as if it came
		// over TLS (the STARTTLS command injection attack).
		return bad("data after STARTTLS")
	}
	c.writeStatus(cmd.Tag, StatusOK, "", nil, "begin TLS negotiation now")
	if err := c.bw.Flush(); err != nil {
		return err
	}
	tc := tls.Server(c.nc, c.srv.TLSConfig)
	hctx, cancel := context.WithTimeout(ctx, tlsHandshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		c.log.Debug("imap: TLS handshake failed", "err", err)
		c.state = StateLogout
		return errHandled
	}
	c.nc, c.isTLS = tc, true
	c.setupIO()
	return errHandled
}

func (c *conn) cmdLogin(ctx context.Context, cmd *Command) error {
	if !c.canAuth() {
		return &Error{Type: StatusNO, Code: CodePrivacyRequired, Text: "LOGIN needs TLS: use STARTTLS first"}
	}
	if err := wantArgs(cmd, 2); err != nil {
		return err
	}
	user, err := stringArg(cmd.Args[0])
	if err != nil {
		return err
	}
	pass, err := stringArg(cmd.Args[1])
	if err != nil {
		return err
	}
	return c.login(ctx, user, pass)
}

func (c *conn) login(ctx context.Context, user, pass string) error {
	u, err := c.srv.Backend.Login(ctx, user, pass)
	if err != nil {
		if _, ok := err.(*Error); !ok {
			c.log.Info("imap: login failed", "user", user, "err", err)
			err = &Error{Type: StatusNO, Code: CodeAuthFailed, Text: "invalid credentials"}
		}
		return err
	}
	c.user, c.state = u, StateAuthenticated
	c.okCode, c.okArgs = CodeCapability, c.capValues()
	c.okText = "logged in"
	return nil
}

func (c *conn) cmdAuthenticate(ctx context.Context, cmd *Command) error {
	if len(cmd.Args) < 1 || len(cmd.Args) > 2 {
		return bad("AUTHENTICATE needs a mechanism")
	}
	mech, _ := AsString(cmd.Args[0])
	if !equalFold(mech, "PLAIN") {
		return no("unsupported authentication mechanism")
	}
	if !c.canAuth() {
		return &Error{Type: StatusNO, Code: CodePrivacyRequired, Text: "authentication needs TLS: use STARTTLS first"}
	}
	var resp string
	if len(cmd.Args) == 2 {
		resp, _ = AsString(cmd.Args[1]) // SASL-IR (RFC 4959); "=" is empty
	} else {
		c.bw.WriteString("+ \r\n")
		if err := c.bw.Flush(); err != nil {
			return err
		}
		line, err := c.r.Text()
		if err != nil {
			return err
		}
		if err := c.r.CRLF(); err != nil {
			return err
		}
		resp = line
	}
	if resp == "*" {
		return bad("authentication cancelled")
	}
	if resp == "=" {
		resp = ""
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		return bad("invalid base64")
	}
	// RFC 4616: authzid NUL authcid NUL passwd.
	parts := bytes.Split(raw, []byte{0})
	if len(parts) != 3 {
		return bad("invalid PLAIN response")
	}
	if len(parts[0]) > 0 && !bytes.Equal(parts[0], parts[1]) {
		return &Error{Type: StatusNO, Code: CodeAuthFailed, Text: "cannot act as another user"}
	}
	return c.login(ctx, string(parts[1]), string(parts[2]))
}

func (c *conn) cmdEnable(ctx context.Context, cmd *Command) error {
	var enabled []Value
	for _, a := range cmd.Args {
		s, _ := AsString(a)
		switch {
		case equalFold(s, string(CapIMAP4rev2)):
			if !c.rev2 {
				c.rev2 = true
				enabled = append(enabled, Atom(CapIMAP4rev2))
			}
		}
	}
	c.untagged("ENABLED", enabled...)
	return nil
}
