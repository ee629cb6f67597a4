package imap

import (
	"context"
	"slices"
	"time"

	"github.com/applayer/applayer/mime"
)

// searchCtx holds what a search needs of one message, loaded lazily.
type searchCtx struct {
	c      *conn
	ctx    context.Context
	seq    uint32
	max    uint32 // number of messages: "*" of a sequence set
	maxUID uint32
	info   MessageInfo
	raw    []byte
	header mime.Header
	body   []byte
	loaded bool
	err    error
}

func (sc *searchCtx) load() {
	if sc.loaded {
		return
	}
	sc.loaded = true
	sc.raw, sc.err = sc.c.sel.mbox.Body(sc.ctx, sc.info.UID)
	h, n, err := mime.ParseHeader(sc.raw)
	if err != nil {
		_, sc.body = splitMessage(sc.raw)
		return
	}
	sc.header, sc.body = h, sc.raw[min(n, len(sc.raw)):]
}

func (sc *searchCtx) has(f Flag) bool { return slices.Contains(sc.info.Flags, f) }

// day returns the calendar day of t, as SEARCH compares dates without
// time or zone (RFC 9051 section 6.4.4).
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (sc *searchCtx) sentDate() (time.Time, bool) {
	sc.load()
	t, err := mime.ParseDate(sc.header.Get("Date"))
	if err != nil {
		return time.Time{}, false
	}
	return day(t), true
}

func (sc *searchCtx) match(k SearchKey) bool {
	switch k.Op {
	case "ALL":
		return true
	case "RECENT": // IMAP4rev1 only (RFC 3501 section 6.4.4)
		return sc.c.sel.recent[sc.info.UID]
	case "NEW": // RECENT UNSEEN
		return sc.c.sel.recent[sc.info.UID] && !sc.has(FlagSeen)
	case "OLD": // NOT RECENT
		return !sc.c.sel.recent[sc.info.UID]
	case "AND":
		for _, c := range k.Keys {
			if !sc.match(c) {
				return false
			}
		}
		return true
	case "OR":
		return sc.match(k.Keys[0]) || sc.match(k.Keys[1])
	case "NOT":
		return !sc.match(k.Keys[0])
	case "SEQ":
		return k.Seq.Contains(sc.seq, sc.max)
	case "UID":
		return k.Seq.Contains(sc.info.UID, sc.maxUID)
	case "ANSWERED":
		return sc.has(FlagAnswered)
	case "DELETED":
		return sc.has(FlagDeleted)
	case "DRAFT":
		return sc.has(FlagDraft)
	case "FLAGGED":
		return sc.has(FlagFlagged)
	case "SEEN":
		return sc.has(FlagSeen)
	case "UNANSWERED":
		return !sc.has(FlagAnswered)
	case "UNDELETED":
		return !sc.has(FlagDeleted)
	case "UNDRAFT":
		return !sc.has(FlagDraft)
	case "UNFLAGGED":
		return !sc.has(FlagFlagged)
	case "UNSEEN":
		return !sc.has(FlagSeen)
	case "KEYWORD":
		return sc.has(canonicalFlag(k.Str))
	case "UNKEYWORD":
		return !sc.has(canonicalFlag(k.Str))
	case "LARGER":
		return uint64(sc.info.Size) > k.Num
	case "SMALLER":
		return uint64(sc.info.Size) < k.Num
	case "BEFORE":
		return day(sc.info.InternalDate).Before(k.Date)
	case "ON":
		return day(sc.info.InternalDate).Equal(k.Date)
	case "SINCE":
		return !day(sc.info.InternalDate).Before(k.Date)
	case "SENTBEFORE", "SENTON", "SENTSINCE":
		d, ok := sc.sentDate()
		if !ok {
			return false
		}
		switch k.Op {
		case "SENTBEFORE":
			return d.Before(k.Date)
		case "SENTON":
			return d.Equal(k.Date)
		}
		return !d.Before(k.Date)
	case "BCC", "CC", "FROM", "SUBJECT", "TO":
		sc.load()
		return sc.headerContains(k.Op, k.Str)
	case "HEADER":
		sc.load()
		return sc.headerContains(k.Field, k.Str)
	case "BODY":
		sc.load()
		return containsFold(sc.body, []byte(k.Str))
	case "TEXT":
		sc.load()
		return containsFold(sc.raw, []byte(k.Str))
	}
	return false
}

func (sc *searchCtx) headerContains(field, s string) bool {
	for _, f := range sc.header {
		if !equalFold(f.Name, field) {
			continue
		}
		if containsFold([]byte(f.Value), []byte(s)) {
			return true
		}
		if dec, err := mime.DecodeHeader(f.Value); err == nil && containsFold([]byte(dec), []byte(s)) {
			return true
		}
	}
	return false
}

// cmdSearch handles SEARCH and UID SEARCH (RFC 9051 section 6.4.4) and the
// ESEARCH form (RFC 4731) when RETURN is given or IMAP4rev2 is enabled.
func (c *conn) cmdSearch(ctx context.Context, cmd *Command) error {
	q, err := ParseSearch(cmd.Args, c.r.maxDepth())
	if err != nil {
		return err
	}
	if q.Charset != "" && !equalFold(q.Charset, "UTF-8") && !equalFold(q.Charset, "US-ASCII") {
		return &Error{Type: StatusNO, Code: CodeBadCharset, Args: []Value{List{Atom("UTF-8"), Atom("US-ASCII")}}, Text: "unsupported charset"}
	}
	s := c.sel
	var hits []uint32
	for i, m := range s.msgs {
		sc := &searchCtx{c: c, ctx: ctx, seq: uint32(i + 1), max: uint32(len(s.msgs)), maxUID: s.maxUID(), info: m}
		ok := true
		for _, k := range q.Keys {
			if !sc.match(k) {
				ok = false
				break
			}
		}
		if sc.err != nil {
			continue // expunged meanwhile: it cannot match
		}
		if ok {
			if cmd.UID {
				hits = append(hits, m.UID)
			} else {
				hits = append(hits, uint32(i+1))
			}
		}
	}
	if q.Return == nil && !c.rev2 {
		args := make([]Value, len(hits))
		for i, h := range hits {
			args[i] = Number(h)
		}
		c.untagged("SEARCH", args...)
		return nil
	}
	ret := q.Return
	if len(ret) == 0 {
		ret = []string{"ALL"}
	}
	args := []Value{List{Atom("TAG"), String(cmd.Tag)}}
	if cmd.UID {
		args = append(args, Atom("UID"))
	}
	for _, r := range ret {
		switch r {
		case "MIN":
			if len(hits) > 0 {
				args = append(args, Atom("MIN"), Number(hits[0]))
			}
		case "MAX":
			if len(hits) > 0 {
				args = append(args, Atom("MAX"), Number(hits[len(hits)-1]))
			}
		case "COUNT":
			args = append(args, Atom("COUNT"), Number(len(hits)))
		case "ALL":
			if len(hits) > 0 {
				args = append(args, Atom("ALL"), Atom(SeqSetOf(hits...).String()))
			}
		case "SAVE":
			return no("SEARCHRES is not supported")
		default:
			return bad("unknown RETURN option " + r)
		}
	}
	c.untagged("ESEARCH", args...)
	return nil
}
