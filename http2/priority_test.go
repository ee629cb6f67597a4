package http2

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// serve runs the scheduler for rounds frames of size bytes over the given
// always-ready streams and returns the order in which they were served.
func serve(s *scheduler, ready map[uint32]bool, rounds, size int) []uint32 {
	var order []uint32
	for range rounds {
		id, ok := s.next(func(id uint32) bool { return ready[id] })
		if !ok {
			break
		}
		order = append(order, id)
		s.sent(id, size)
	}
	return order
}

func count(order []uint32) map[uint32]int {
	m := map[uint32]int{}
	for _, id := range order {
		m[id]++
	}
	return m
}

func TestSchedulerInterleavesEqualStreams(t *testing.T) {
	s := newScheduler(100)
	for _, id := range []uint32{1, 3, 5, 7} {
		s.open(id, nil)
	}
	order := serve(s, map[uint32]bool{1: true, 3: true, 5: true, 7: true}, 8, 1000)
	if diff := cmp.Diff(map[uint32]int{1: 2, 3: 2, 5: 2, 7: 2}, count(order)); diff != "" {
		t.Errorf("equal streams not interleaved (-want +got):\n%s\norder %v", diff, order)
	}
}

func TestSchedulerWeights(t *testing.T) {
	s := newScheduler(100)
	s.open(1, &PriorityParam{Weight: 255}) // 256
	s.open(3, &PriorityParam{Weight: 63})  // 64
	got := count(serve(s, map[uint32]bool{1: true, 3: true}, 500, 1000))
	if got[1] < 390 || got[1] > 410 {
		t.Errorf("weights 256:64 served %v, want about 400:100", got)
	}
}

func TestSchedulerParentBeforeChild(t *testing.T) {
	s := newScheduler(100)
	s.open(1, nil)
	s.open(3, &PriorityParam{StreamDep: 1, Weight: 15})
	ready := map[uint32]bool{1: true, 3: true}
	if order := serve(s, ready, 3, 100); !cmp.Equal(order, []uint32{1, 1, 1}) {
		t.Errorf("child served while the parent could send: %v", order)
	}
	ready[1] = false
	if order := serve(s, ready, 2, 100); !cmp.Equal(order, []uint32{3, 3}) {
		t.Errorf("child not served when the parent was blocked: %v", order)
	}
}

func TestSchedulerExclusiveAndClose(t *testing.T) {
	s := newScheduler(100)
	s.open(1, nil)
	s.open(3, nil)
	s.open(5, &PriorityParam{StreamDep: 0, Exclusive: true, Weight: 15})
	if n := s.nodes[1]; n.parent.id != 5 {
		t.Fatalf("exclusive dependency: stream 1's parent is %d, want 5", n.parent.id)
	}
	s.close(5)
	if n := s.nodes[1]; n.parent != &s.root {
		t.Errorf("after closing 5, stream 1's parent is %d, want the root", n.parent.id)
	}
	if _, ok := s.next(func(uint32) bool { return true }); !ok {
		t.Error("nothing to serve after close")
	}
}

func TestSchedulerDependencyOnDescendant(t *testing.T) {
	s := newScheduler(100)
	s.open(1, nil)
	s.open(3, &PriorityParam{StreamDep: 1, Weight: 15})
	s.reprioritize(1, PriorityParam{StreamDep: 3, Weight: 15}) // RFC 7540 5.3.3
	if s.nodes[3].parent != &s.root || s.nodes[1].parent.id != 3 {
		t.Errorf("after 1 -> 3: 3's parent %v, 1's parent %d", s.nodes[3].parent.id, s.nodes[1].parent.id)
	}
}

func TestSchedulerPlaceholderLimit(t *testing.T) {
	s := newScheduler(10)
	for id := uint32(1); id < 1000; id += 2 {
		s.reprioritize(id, PriorityParam{Weight: 1})
	}
	if len(s.nodes) > 10 {
		t.Errorf("%d nodes after a PRIORITY flood, limit 10", len(s.nodes))
	}
}

func TestSchedulerUrgency(t *testing.T) {
	s := newScheduler(100)
	s.useRFC9218()
	for _, id := range []uint32{1, 3, 5, 7} {
		s.open(id, nil)
	}
	s.setUrgency(5, Urgency{Level: 1})
	s.setUrgency(3, Urgency{Level: 3, Incremental: true})
	s.setUrgency(7, Urgency{Level: 3, Incremental: true})
	ready := map[uint32]bool{1: true, 3: true, 5: true, 7: true}
	order := serve(s, ready, 2, 100)
	if !cmp.Equal(order, []uint32{5, 5}) {
		t.Errorf("urgency 1 not first: %v", order)
	}
	ready[5] = false
	order = serve(s, ready, 2, 100)
	if !cmp.Equal(order, []uint32{1, 1}) {
		t.Errorf("non-incremental stream not served before incremental ones: %v", order)
	}
	ready[1] = false
	order = serve(s, ready, 4, 100)
	if diff := cmp.Diff(map[uint32]int{3: 2, 7: 2}, count(order)); diff != "" {
		t.Errorf("incremental streams not round-robin: %v", order)
	}
}

func TestParsePriority(t *testing.T) {
	tests := []struct {
		in   string
		want Urgency
	}{
		{"", Urgency{Level: 3}},
		{"u=1", Urgency{Level: 1}},
		{"u=5, i", Urgency{Level: 5, Incremental: true}},
		{"i=?0, u=0", Urgency{Level: 0}},
		{"u=9", Urgency{Level: 3}},
		{"x=1, u=2;p=1, i=?1", Urgency{Level: 2, Incremental: true}},
	}
	for _, tt := range tests {
		if got := ParsePriority(tt.in); got != tt.want {
			t.Errorf("ParsePriority(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
