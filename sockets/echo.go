package sockets

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxUppercaseLine is the longest line, newline included, the uppercase
// service accepts over TCP. Over UDP the limit is the datagram size.
const MaxUppercaseLine = 4096

// ErrLineTooLong is returned when a line exceeds MaxUppercaseLine.
var ErrLineTooLong = errors.New("sockets: line too long")

// UppercaseHandler returns the TCP server of the socket-programming lesson:
// it reads lines from the connection and writes each one back in upper
// case, until the client closes its side. A line longer than
// MaxUppercaseLine ends the connection.
func UppercaseHandler() Handler {
	return HandlerFunc(func(ctx context.Context, c *Conn) {
		r := bufio.NewReaderSize(c, MaxUppercaseLine)
		for {
			if r.Buffered() == 0 {
				c.SetIdle()
			}
			line, err := r.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				fmt.Fprintf(c, "ERROR: line longer than %d bytes\n", MaxUppercaseLine)
				return
			}
			if len(line) > 0 {
				if _, werr := io.WriteString(c, Upper(string(line))); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
}

// UppercasePacketHandler returns the UDP server of the socket-programming
// lesson: each datagram is sent back to its sender in upper case. There is
// no connection: the reply goes to the address the datagram came from.
func UppercasePacketHandler() PacketHandler {
	return PacketHandlerFunc(func(ctx context.Context, w PacketWriter, p *Packet) {
		if !utf8.Valid(p.Data) {
			w.WriteTo([]byte("ERROR: not UTF-8 text"), p.Addr)
			return
		}
		w.WriteTo([]byte(Upper(string(p.Data))), p.Addr)
	})
}

// UppercaseClient is the client side of the lesson, over TCP or UDP: it
// sends one line and returns the server's reply. Over TCP every line shares
// one connection; over UDP each line is one datagram from one socket.
// An UppercaseClient is not safe for concurrent use.
type UppercaseClient struct {
	network string
	conn    net.Conn
	r       *bufio.Reader
	buf     []byte
}

// DialUppercase connects to an uppercase server. network is "tcp", "tcp4",
// "tcp6", "udp", "udp4" or "udp6". For UDP, "connecting" only fixes the
// peer address on the local socket: no packet is sent until Ask.
func DialUppercase(ctx context.Context, network, addr string) (*UppercaseClient, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := &UppercaseClient{network: network, conn: conn}
	if strings.HasPrefix(network, "tcp") {
		c.r = bufio.NewReaderSize(conn, MaxUppercaseLine)
	} else {
		c.buf = make([]byte, DefaultMaxPacketSize)
	}
	return c, nil
}

// Ask sends line (without its newline) and returns the reply (without its
// newline). ctx bounds the exchange. Over UDP a lost datagram surfaces as
// ctx's deadline: UDP itself never retransmits.
func (c *UppercaseClient) Ask(ctx context.Context, line string) (string, error) {
	if strings.ContainsAny(line, "\r\n") {
		return "", errors.New("sockets: line contains a line break")
	}
	if dl, ok := ctx.Deadline(); ok {
		c.conn.SetDeadline(dl)
	} else {
		c.conn.SetDeadline(time.Time{})
	}
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	reply, err := c.ask(line)
	if err != nil && ctx.Err() != nil {
		return "", ctx.Err()
	}
	return reply, err
}

func (c *UppercaseClient) ask(line string) (string, error) {
	if c.r != nil {
		if len(line)+1 > MaxUppercaseLine {
			return "", ErrLineTooLong
		}
		if _, err := io.WriteString(c.conn, line+"\n"); err != nil {
			return "", err
		}
		reply, err := c.r.ReadString('\n')
		if err != nil {
			return "", err
		}
		return strings.TrimRight(reply, "\r\n"), nil
	}
	if _, err := c.conn.Write([]byte(line)); err != nil {
		return "", err
	}
	n, _, err := ReadPacket(c.conn.(net.PacketConn), c.buf)
	if err != nil {
		return "", err
	}
	return string(c.buf[:n]), nil
}

// LocalAddr returns the client socket's address: the port the operating
// system picked for it.
func (c *UppercaseClient) LocalAddr() net.Addr { return c.conn.LocalAddr() }

// Close closes the client socket.
func (c *UppercaseClient) Close() error { return c.conn.Close() }
