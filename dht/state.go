package dht

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/applayer/applayer/bittorrent/bencode"
)

// MaxStateSize bounds a state file read by [LoadState].
const MaxStateSize = 1 << 20

// State is what a node saves across restarts: its ID and its contacts.
type State struct {
	ID    ID
	Nodes []NodeInfo
}

type wireState struct {
	ID     []byte `bencode:"id"`
	Nodes  []byte `bencode:"nodes"`
	Nodes6 []byte `bencode:"nodes6"`
}

var errNoState = errors.New("dht: no state file")

// State returns the node's ID and routing table contacts.
func (n *Node) State() State {
	n.init()
	return State{ID: n.self, Nodes: n.Nodes()}
}

// SaveState writes st to path atomically: to a temporary file in the same
// directory, synced, then renamed over path.
func SaveState(path string, st State) error {
	w := wireState{ID: st.ID[:], Nodes: AppendCompactNodes([]byte{}, st.Nodes, false), Nodes6: AppendCompactNodes([]byte{}, st.Nodes, true)}
	b, err := bencode.Marshal(&w)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// LoadState reads a file written by SaveState.
func LoadState(path string) (State, error) {
	var st State
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, errNoState
	}
	if err != nil {
		return st, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxStateSize+1))
	if err != nil {
		return st, err
	}
	k := len(b)
	if k > MaxStateSize {
		return st, errors.New("dht: state file too large")
	}
	var w wireState
	if err := bencode.Unmarshal(b[:k], &w); err != nil {
		return st, err
	}
	if len(w.ID) != IDLen {
		return st, errors.New("dht: state file has no valid ID")
	}
	copy(st.ID[:], w.ID)
	n4, err := ParseCompactNodes(w.Nodes, false)
	if err != nil {
		return st, err
	}
	n6, err := ParseCompactNodes(w.Nodes6, true)
	if err != nil {
		return st, err
	}
	st.Nodes = append(n4, n6...)
	return st, nil
}
