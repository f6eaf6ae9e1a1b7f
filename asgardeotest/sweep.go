package asgardeotest

import (
	"time"
)

// The sweeper removes expired tokens and authorization codes, a bounded
// batch at a time, so that a long-running fake (cmd/asgardeo-fake, a load
// test) holds only live grants and no request waits behind a full scan.
const (
	// sweepGrace is how long past its expiry a token or code is kept. Until
	// removed it answers exactly as an unknown one would (inactive,
	// invalid_grant); the grace only keeps a just-expired value from
	// vanishing while a request that found it is still being answered.
	sweepGrace = time.Minute
	// sweepBatch bounds the tokens and codes examined per tick, and so the
	// time a tick holds the store's lock (well under a millisecond).
	sweepBatch = 4096
	// sweepInterval is the wall-clock time between ticks. Expiry itself is
	// judged on the server's clock.
	sweepInterval = 250 * time.Millisecond
)

// sweepQueues hold every token and code in the order they were made. Each
// tick examines the oldest entries: the dead are dropped from the store,
// the live go to the back, so every entry is examined once per rotation.
// They live in the store, under st.mu.
type sweepQueues struct {
	tokens []*token
	codes  []*authCode
}

// trackToken queues t for sweeping. Caller holds st.mu for writing.
func (st *store) trackToken(t *token) { st.sweepQ.tokens = append(st.sweepQ.tokens, t) }

// trackCode queues c for sweeping. Caller holds st.mu for writing.
func (st *store) trackCode(c *authCode) { st.sweepQ.codes = append(st.sweepQ.codes, c) }

// deadline is when t may be removed, in nanoseconds since the store's
// epoch: after its access token and its refresh token (when it has one)
// have expired, plus the grace.
func (t *token) deadline() int64 {
	end := t.expiresAt
	if t.refresh() != "" && t.ext.refreshExpires > end {
		end = t.ext.refreshExpires
	}
	return end + int64(sweepGrace)
}

// rotate examines at most batch entries at the front of q: it keeps the
// live ones, moved to the back, and calls drop for the dead ones. It
// returns the new queue and how many were dropped.
func rotate[T any](q []T, batch int, dead func(T) bool, drop func(T)) ([]T, int) {
	n := min(batch, len(q))
	removed := 0
	for _, x := range q[:n] {
		if dead(x) {
			drop(x)
			removed++
			continue
		}
		q = append(q, x)
	}
	// Drop the examined front; copy down so the backing array does not grow
	// without bound.
	rest := q[n:]
	if cap(q) > 64 && len(rest) < cap(q)/4 {
		rest = append(make([]T, 0, 2*len(rest)), rest...)
	}
	var zero T
	for i := range q[:n] {
		q[i] = zero // let the garbage collector have dead entries
	}
	return rest, removed
}

// sweep removes up to batch expired tokens and codes (each queue examines
// at most batch entries) and reports how many tokens and codes it removed.
// It holds the store's lock for one batch only.
func (s *Server) sweep(now time.Time, batch int) (tokens, codes int) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	stamp := st.stamp(now)
	st.sweepQ.tokens, tokens = rotate(st.sweepQ.tokens, batch,
		func(t *token) bool { return stamp > t.deadline() },
		func(t *token) {
			if t.jwt() {
				if st.jwtTokens[t.ext.jwt] == t {
					delete(st.jwtTokens, t.ext.jwt)
				}
			} else if st.tokens[t.id] == t {
				delete(st.tokens, t.id)
			}
			if r := t.refresh(); r != "" && st.refresh[r] == t {
				delete(st.refresh, r)
			}
		})
	st.sweepQ.codes, codes = rotate(st.sweepQ.codes, batch,
		func(c *authCode) bool { return now.After(c.expiresAt.Add(sweepGrace)) || st.codes[c.code] != c },
		func(c *authCode) {
			if st.codes[c.code] == c {
				delete(st.codes, c.code)
			}
		})
	return tokens, codes
}

// startSweeper runs the sweeper until stopSweeper.
func (s *Server) startSweeper() {
	s.sweepStop = make(chan struct{})
	s.sweepDone = make(chan struct{})
	go func() {
		defer close(s.sweepDone)
		tick := time.NewTicker(sweepInterval)
		defer tick.Stop()
		for {
			select {
			case <-s.sweepStop:
				return
			case <-tick.C:
				s.sweep(s.clock.Now(), sweepBatch)
			}
		}
	}()
}

// stopSweeper stops the sweeper and waits for it to end. Later calls do
// nothing.
func (s *Server) stopSweeper() {
	if s.sweepStop == nil {
		return
	}
	close(s.sweepStop)
	<-s.sweepDone
	s.sweepStop = nil
}
