package imap

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
)

// seqModel is a client's model of its mailbox view: the UID of each
// sequence number, kept up to date only from the server's EXISTS, EXPUNGE
// and FETCH responses, as a real client must.
type seqModel struct {
	mu      sync.Mutex
	uids    []uint32
	pending int // EXISTS seen but UIDs not fetched yet
}

func (m *seqModel) handle(r *Response) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch r.Name {
	case "EXPUNGE":
		i := int(r.Num) - 1
		if i < 0 || i >= len(m.uids)+m.pending {
			panic(fmt.Sprintf("EXPUNGE %d outside 1..%d", r.Num, len(m.uids)+m.pending))
		}
		if i < len(m.uids) {
			m.uids = slices.Delete(m.uids, i, i+1)
		} else {
			m.pending--
		}
	case "EXISTS":
		m.pending = int(r.Num) - len(m.uids)
	}
}

// TestConcurrentSessions runs several sessions on one mailbox while mail is
// delivered: each session flags, expunges and fetches; afterwards every
// session's numbering, rebuilt only from what the server told it, matches
// the mailbox.
func TestConcurrentSessions(t *testing.T) {
	be := NewMemBackend()
	be.AddUser("bob", "hungry")
	srv := &Server{Backend: be, AllowInsecureAuth: true}
	addr := serveLoopback(t, srv)
	for range 10 {
		be.Deliver("bob", Inbox, []byte(testMsg))
	}
	const sessions = 4
	rounds := 25
	if testing.Short() {
		rounds = 8
	}
	ctx := context.Background()
	models := make([]*seqModel, sessions)
	clients := make([]*Client, sessions)
	for i := range clients {
		m := &seqModel{}
		models[i] = m
		c, err := Dial(ctx, addr, &ClientOptions{UnilateralHandler: m.handle})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Login(ctx, "bob", "hungry"); err != nil {
			t.Fatal(err)
		}
		sd, err := c.Select(ctx, Inbox, false)
		if err != nil {
			t.Fatal(err)
		}
		m.mu.Lock()
		m.pending = int(sd.Messages) // SELECT's EXISTS went to Select, not the handler
		m.mu.Unlock()
		clients[i] = c
		resync(t, c, m)
	}
	var wg sync.WaitGroup
	errs := make(chan error, sessions+1)
	wg.Add(1)
	go func() { // the delivery agent
		defer wg.Done()
		for range rounds {
			if _, err := be.Deliver("bob", Inbox, []byte(testMsg)); err != nil {
				errs <- err
				return
			}
		}
	}()
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := models[i]
			for r := range rounds {
				m.mu.Lock()
				n := len(m.uids)
				var uid uint32
				if n > 0 {
					uid = m.uids[(r*7+i)%n]
				}
				m.mu.Unlock()
				var err error
				switch r % 4 {
				case 0:
					if uid != 0 {
						_, err = c.Store(ctx, SeqSetOf(uid), true, StoreAction{Op: StoreAdd, Flags: []Flag{FlagDeleted}, Silent: true})
					}
				case 1:
					_, err = c.Expunge(ctx)
				case 2:
					_, err = c.Fetch(ctx, SeqSet{{1, 0}}, true, FetchItem{Name: FetchFlags})
				case 3:
					err = c.Noop(ctx)
				}
				if err == nil {
					err = checkModel(c, m)
				}
				if err != nil {
					errs <- fmt.Errorf("session %d round %d: %w", i, r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mb, _ := be.users["bob"].Mailbox(ctx, Inbox)
	want, _, _ := mb.Messages(ctx)
	var wantUIDs []uint32
	for _, m := range want {
		wantUIDs = append(wantUIDs, m.UID)
	}
	for i, c := range clients {
		if err := c.Noop(ctx); err != nil {
			t.Fatal(err)
		}
		resync(t, c, models[i])
		models[i].mu.Lock()
		got := slices.Clone(models[i].uids)
		models[i].mu.Unlock()
		if !slices.Equal(got, wantUIDs) {
			t.Errorf("session %d sees UIDs %v, mailbox has %v", i, got, wantUIDs)
		}
	}
}

// resync learns the UIDs of messages announced by EXISTS.
func resync(t *testing.T, c *Client, m *seqModel) {
	t.Helper()
	if err := checkModel(c, m); err != nil {
		t.Fatal(err)
	}
}

// checkModel fetches UIDs by sequence number and checks them against the
// model; new messages' UIDs are appended to the model.
func checkModel(c *Client, m *seqModel) error {
	m.mu.Lock()
	total := len(m.uids) + m.pending
	m.mu.Unlock()
	if total == 0 {
		return nil
	}
	// A FETCH by sequence number may not be answered with EXPUNGE, so the
	// numbering the model holds is the one the server uses for it.
	got, err := c.Fetch(context.Background(), SeqSet{{1, uint32(total)}}, false, FetchItem{Name: FetchUID})
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	byseq := map[uint32]uint32{}
	for _, d := range got {
		if d.UID != 0 {
			byseq[d.Seq] = d.UID
		}
	}
	for i, uid := range m.uids {
		if g, ok := byseq[uint32(i+1)]; ok && g != uid {
			return fmt.Errorf("sequence %d is UID %d on the server, %d in the model", i+1, g, uid)
		}
	}
	for s := len(m.uids) + 1; s <= total && m.pending > 0; s++ {
		uid, ok := byseq[uint32(s)]
		if !ok {
			return fmt.Errorf("no UID for new message %d", s)
		}
		m.uids = append(m.uids, uid)
		m.pending--
	}
	return nil
}
