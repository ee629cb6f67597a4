package http2

import (
	"slices"
	"strconv"
	"strings"
)

// How a server decides which stream's DATA goes next.
//
// RFC 7540 section 5.3 had clients build a dependency tree: each stream
// depends on a parent (the root, stream 0, by default) with a weight from
// 1 to 256, and a parent's bandwidth is shared among its children in
// proportion to their weights; a child is served only when its parent can
// send nothing. RFC 9113 deprecated the tree, but browsers and curl still
// send it. RFC 9218 replaced it with two numbers per stream, carried in a
// Priority header field or a PRIORITY_UPDATE frame: an urgency from 0 (most
// urgent) to 7 (default 3), and whether the response is useful piece by
// piece ("incremental", default no). Lower urgencies go first; within one,
// non-incremental responses are sent one after another in stream order and
// incremental ones share the link round-robin.
//
// A connection uses the tree until the client sends any RFC 9218 signal
// (SETTINGS_NO_RFC7540_PRIORITIES, a Priority header or PRIORITY_UPDATE),
// then urgencies. Either way, streams of equal standing are interleaved
// frame by frame, which is what stops a large response from blocking the
// small ones behind it.

// DefaultWeight is a stream's weight when the client gives none (RFC 7540
// section 5.3.5).
const DefaultWeight = 16

// Urgency is an RFC 9218 priority: 0 is the most urgent, 7 the least.
type Urgency struct {
	Level       uint8 // 0 to 7; DefaultUrgency when absent
	Incremental bool
}

// DefaultUrgency is the urgency of a stream that gives none (RFC 9218
// section 4.1).
const DefaultUrgency = 3

// ParsePriority parses a Priority header field value or PRIORITY_UPDATE
// value ("u=1, i"), a Structured Field dictionary (RFC 8941). Unknown keys
// and out-of-range values are ignored, as RFC 9218 section 4 requires.
func ParsePriority(v string) Urgency {
	u := Urgency{Level: DefaultUrgency}
	for _, member := range strings.Split(v, ",") {
		member = strings.TrimSpace(member)
		key, val, hasVal := strings.Cut(member, "=")
		if i := strings.IndexByte(key, ';'); i >= 0 { // parameters are ignored
			key = key[:i]
		}
		if i := strings.IndexByte(val, ';'); i >= 0 {
			val = val[:i]
		}
		switch key {
		case "u":
			if n, err := strconv.Atoi(val); err == nil && n >= 0 && n <= 7 {
				u.Level = uint8(n)
			}
		case "i":
			switch {
			case !hasVal || val == "?1":
				u.Incremental = true
			case val == "?0":
				u.Incremental = false
			}
		}
	}
	return u
}

// String formats u as a Priority field value.
func (u Urgency) String() string {
	s := "u=" + strconv.Itoa(int(u.Level))
	if u.Incremental {
		s += ", i"
	}
	return s
}

// prioNode is a stream in the dependency tree.
type prioNode struct {
	id       uint32
	parent   *prioNode
	children []*prioNode
	weight   int // 1 to 256
	vtime    uint64
	open     bool // a real stream, not a placeholder left by PRIORITY
	urgency  Urgency
	seq      uint64 // order of last service, for round-robin
}

// scheduler picks the stream whose DATA goes next. It is owned by the
// connection's writer and not safe for concurrent use.
type scheduler struct {
	root       prioNode
	nodes      map[uint32]*prioNode
	maxNodes   int
	useUrgency bool
	served     uint64
}

func newScheduler(maxNodes int) *scheduler {
	s := &scheduler{nodes: make(map[uint32]*prioNode), maxNodes: maxNodes}
	s.root.weight = DefaultWeight
	return s
}

// useRFC9218 switches the connection to urgencies.
func (s *scheduler) useRFC9218() { s.useUrgency = true }

// node returns the node for id, creating a placeholder depending on the
// root if needed and allowed. It returns nil past the node limit.
func (s *scheduler) node(id uint32) *prioNode {
	if id == 0 {
		return &s.root
	}
	if n, ok := s.nodes[id]; ok {
		return n
	}
	if len(s.nodes) >= s.maxNodes && !s.prunePlaceholder() {
		return nil
	}
	n := &prioNode{id: id, parent: &s.root, weight: DefaultWeight, urgency: Urgency{Level: DefaultUrgency}, vtime: minChildVTime(&s.root)}
	s.root.children = append(s.root.children, n)
	s.nodes[id] = n
	return n
}

// prunePlaceholder removes one childless placeholder, to stay under the
// node limit when a client sends PRIORITY for many idle streams.
func (s *scheduler) prunePlaceholder() bool {
	for id, n := range s.nodes {
		if !n.open && len(n.children) == 0 {
			s.remove(n)
			delete(s.nodes, id)
			return true
		}
	}
	return false
}

// open records a new stream with the priority its HEADERS carried.
func (s *scheduler) open(id uint32, p *PriorityParam) {
	n := s.node(id)
	if n == nil {
		return
	}
	n.open = true
	if p != nil {
		s.reprioritize(id, *p)
	}
}

// isDescendant reports whether n is below ancestor.
func isDescendant(n, ancestor *prioNode) bool {
	for p := n.parent; p != nil; p = p.parent {
		if p == ancestor {
			return true
		}
	}
	return false
}

// reprioritize applies a PRIORITY frame or HEADERS priority block (RFC
// 7540 section 5.3.3). A stream cannot depend on itself: the caller treats
// that as a stream error before calling.
func (s *scheduler) reprioritize(id uint32, p PriorityParam) {
	n := s.node(id)
	if n == nil {
		return
	}
	parent := s.node(p.StreamDep)
	if parent == nil || parent == n {
		parent = &s.root
	}
	if isDescendant(parent, n) {
		// Moving below one of its own descendants: that descendant first
		// moves up to n's old place.
		s.remove(parent)
		parent.parent = n.parent
		n.parent.children = append(n.parent.children, parent)
	}
	s.remove(n)
	n.weight = int(p.Weight) + 1
	n.parent = parent
	if p.Exclusive {
		for _, c := range parent.children {
			c.parent = n
		}
		n.children = append(n.children, parent.children...)
		parent.children = nil
	}
	n.vtime = minChildVTime(parent)
	parent.children = append(parent.children, n)
}

// minChildVTime is where a stream joining p's children starts: level with
// the least-served sibling, so it neither jumps the queue nor waits.
func minChildVTime(p *prioNode) uint64 {
	if len(p.children) == 0 {
		return 0
	}
	v := p.children[0].vtime
	for _, c := range p.children[1:] {
		v = min(v, c.vtime)
	}
	return v
}

// setUrgency applies an RFC 9218 priority to a stream.
func (s *scheduler) setUrgency(id uint32, u Urgency) {
	if n := s.node(id); n != nil {
		n.urgency = u
	}
}

// remove detaches n from its parent's children.
func (s *scheduler) remove(n *prioNode) {
	if n.parent == nil {
		return
	}
	siblings := n.parent.children
	if i := slices.Index(siblings, n); i >= 0 {
		n.parent.children = slices.Delete(siblings, i, i+1)
	}
}

// close removes a finished stream; its children take its place, sharing
// its weight in proportion to their own (RFC 7540 section 5.3.4).
func (s *scheduler) close(id uint32) {
	n, ok := s.nodes[id]
	if !ok {
		return
	}
	delete(s.nodes, id)
	s.remove(n)
	total := 0
	for _, c := range n.children {
		total += c.weight
	}
	for _, c := range n.children {
		c.parent = n.parent
		c.weight = max(1, n.weight*c.weight/max(total, 1))
		n.parent.children = append(n.parent.children, c)
	}
	n.children = nil
}

// next returns the stream to serve next among those for which ready
// reports true (they have data and flow-control window).
func (s *scheduler) next(ready func(id uint32) bool) (uint32, bool) {
	if s.useUrgency {
		return s.nextByUrgency(ready)
	}
	n := s.pick(&s.root, ready)
	if n == nil {
		return 0, false
	}
	return n.id, true
}

// pick descends the tree: a node that can send is served before its
// children; among children, the one with the smallest virtual time.
func (s *scheduler) pick(n *prioNode, ready func(uint32) bool) *prioNode {
	if n != &s.root && n.open && ready(n.id) {
		return n
	}
	var best *prioNode
	var bestPick *prioNode
	for _, c := range n.children {
		if best != nil && c.vtime >= best.vtime {
			continue
		}
		if p := s.pick(c, ready); p != nil {
			best, bestPick = c, p
		}
	}
	return bestPick
}

// sent accounts n bytes sent on stream id: every ancestor's child on the
// path advances its virtual time in inverse proportion to its weight.
func (s *scheduler) sent(id uint32, bytes int) {
	s.served++
	n, ok := s.nodes[id]
	if !ok {
		return
	}
	n.seq = s.served
	for ; n != nil && n != &s.root; n = n.parent {
		n.vtime += uint64(max(bytes, 1)) * 256 / uint64(n.weight)
		// Keep siblings' virtual times close, so a stream that was idle
		// does not get a burst of catch-up service.
		if p := n.parent; p != nil {
			lowest := n.vtime
			for _, c := range p.children {
				lowest = min(lowest, c.vtime)
			}
			if lowest > 1<<40 {
				for _, c := range p.children {
					c.vtime -= lowest
				}
			}
		}
	}
}

// nextByUrgency serves the lowest urgency level first; within it, the
// lowest-numbered non-incremental stream, else the incremental stream
// served longest ago.
func (s *scheduler) nextByUrgency(ready func(uint32) bool) (uint32, bool) {
	var best *prioNode
	better := func(a, b *prioNode) bool {
		if a.urgency.Level != b.urgency.Level {
			return a.urgency.Level < b.urgency.Level
		}
		if a.urgency.Incremental != b.urgency.Incremental {
			return !a.urgency.Incremental
		}
		if !a.urgency.Incremental {
			return a.id < b.id
		}
		return a.seq < b.seq
	}
	for _, n := range s.nodes {
		if n.open && ready(n.id) && (best == nil || better(n, best)) {
			best = n
		}
	}
	if best == nil {
		return 0, false
	}
	return best.id, true
}
