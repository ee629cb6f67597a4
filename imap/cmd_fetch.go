package imap

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/applayer/applayer/mime"
)

// cmdFetch handles FETCH and UID FETCH (RFC 9051 section 6.4.5).
func (c *conn) cmdFetch(ctx context.Context, cmd *Command) error {
	s := c.sel
	if len(cmd.Args) < 2 {
		return bad("FETCH needs a set and items")
	}
	set, err := seqSetArg(cmd.Args[0])
	if err != nil {
		return err
	}
	items, err := ParseFetchItems(cmd.Args[1])
	if err != nil {
		return err
	}
	if cmd.UID && !slices.ContainsFunc(items, func(it FetchItem) bool { return it.Name == FetchUID }) {
		items = append([]FetchItem{{Name: FetchUID}}, items...)
	}
	idx, err := s.resolve(set, cmd.UID)
	if err != nil {
		return err
	}
	needBody := false
	setsSeen := false
	for _, it := range items {
		switch it.Name {
		case FetchFlags, FetchUID, FetchInternalDate, FetchRFC822Size:
		default:
			needBody = true
		}
		if (it.Section != nil && !it.Peek && it.Name != FetchBinarySize) || it.Name == FetchRFC822 || it.Name == FetchRFC822Text {
			setsSeen = true
		}
	}
	setsSeen = setsSeen && !s.readOnly
	var seen []int // messages that gain \Seen
	for _, j := range idx {
		m := s.msgs[j]
		var raw []byte
		if needBody {
			raw, err = s.mbox.Body(ctx, m.UID)
			if err != nil {
				var ie *Error
				if errors.As(err, &ie) && ie.Code == CodeExpungeIssued {
					continue // RFC 9051 section 7.5.1: no data for a gone message
				}
				return err
			}
		}
		if setsSeen && !slices.Contains(m.Flags, FlagSeen) {
			seen = append(seen, j)
			m.Flags = normalizeFlags(append(slices.Clone(m.Flags), FlagSeen))
		}
		msg := &lazyMessage{raw: raw}
		out := List{}
		for _, it := range items {
			v, err := fetchItem(m, raw, msg, it)
			if it.Name == FetchFlags {
				v = s.flags(m)
			}
			if err != nil {
				return err
			}
			out = append(out, Atom(it.ResponseKey()), v)
		}
		if slices.Contains(seen, j) && !slices.ContainsFunc(items, func(it FetchItem) bool { return it.Name == FetchFlags }) {
			out = append(out, Atom("FLAGS"), s.flags(m))
		}
		c.untaggedNum(uint32(j+1), "FETCH", out)
	}
	if len(seen) > 0 {
		uids := make([]uint32, len(seen))
		for i, j := range seen {
			uids[i] = s.msgs[j].UID
		}
		if err := s.mbox.StoreFlags(ctx, uids, StoreAdd, []Flag{FlagSeen}); err != nil {
			return err
		}
		return c.refreshFlags(ctx, seen, false, false)
	}
	return nil
}

// fetchItem computes the value of one fetch item for one message; raw and
// msg are nil unless an item needs the message's content.
func fetchItem(m MessageInfo, raw []byte, msg *lazyMessage, it FetchItem) (Value, error) {
	switch it.Name {
	case FetchUID:
		return Number(m.UID), nil
	case FetchFlags:
		return FlagsValue(m.Flags), nil
	case FetchInternalDate:
		return String(FormatDateTime(m.InternalDate)), nil
	case FetchRFC822Size:
		return Number(m.Size), nil
	case FetchEnvelope:
		return envelopeOf(msg.get().Header).Value(), nil
	case FetchBody, FetchBodyStructure:
		if it.Section == nil {
			return bodyStructure(raw, msg.get().Part).Value(it.Name == FetchBodyStructure), nil
		}
	case FetchRFC822:
		return String(raw), nil
	case FetchRFC822Header:
		header, _ := splitMessage(raw)
		return String(header), nil
	case FetchRFC822Text:
		_, body := splitMessage(raw)
		return String(body), nil
	}
	var sr *io.SectionReader
	var err error
	switch it.Name {
	case FetchBody:
		if sec := it.Section; len(sec.Part) == 0 && (sec.Specifier == "" || sec.Specifier == "HEADER" || sec.Specifier == "TEXT") {
			// The whole message, its header or its body: no MIME parse.
			data := raw
			if sec.Specifier != "" {
				header, body := splitMessage(raw)
				data = header
				if sec.Specifier == "TEXT" {
					data = body
				}
			}
			sr = io.NewSectionReader(bytesReaderAt(data), 0, int64(len(data)))
		} else {
			sr, err = sectionReader(msg.get(), it.Section)
		}
	case FetchBinary, FetchBinarySize:
		var data []byte
		data, err = binaryData(msg.get(), it.Section.Part)
		if err == nil && it.Name == FetchBinarySize {
			return Number(len(data)), nil
		}
		if err == nil {
			sr = io.NewSectionReader(bytesReaderAt(data), 0, int64(len(data)))
		}
	}
	if err != nil {
		if errors.Is(err, errNoSuchPart) {
			return Nil{}, nil
		}
		return nil, err
	}
	off, n := int64(0), sr.Size()
	if it.Partial != nil {
		off = min(int64(it.Partial.Offset), n)
		n = min(int64(it.Partial.Count), n-off)
	}
	buf := make([]byte, n)
	if _, err := sr.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, err
	}
	return String(buf), nil
}

// bytesReaderAt is a []byte as an io.ReaderAt.
type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// lazyMessage parses a message with the mime package the first time an
// item needs its tree.
type lazyMessage struct {
	raw []byte
	msg *mime.Message
}

func (l *lazyMessage) get() *mime.Message {
	if l.msg == nil {
		l.msg = mime.ParseBytes(l.raw)
	}
	return l.msg
}
