package asgardeotest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newSweepServer starts a fake whose background sweeper is stopped, so
// that only the test's own sweep calls remove anything.
func newSweepServer(t *testing.T) *Server {
	s := NewServer(t)
	s.stopSweeper()
	return s
}

// liveCounts returns the sizes of the token, refresh and code maps.
func liveCounts(s *Server) (tokens, refresh, codes int) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	return len(s.store.tokens) + len(s.store.jwtTokens), len(s.store.refresh), len(s.store.codes)
}

func TestSweepRemovesExpiredTokensInBoundedBatches(t *testing.T) {
	s := newSweepServer(t)
	o, err := s.AddOrganization("sweep")
	require.NoError(t, err)
	base, _, _ := liveCounts(s)
	var old []string
	for range 10 {
		tok, err := s.IssueToken(o.ID, "internal_org_application_mgt_view")
		require.NoError(t, err)
		old = append(old, tok)
	}
	n, _, _ := liveCounts(s)
	require.Equal(t, base+10, n)

	// Expired, but within the grace: nothing goes.
	s.Clock().Advance(time.Hour + sweepGrace/2)
	removed, _ := s.sweep(s.Clock().Now(), 100)
	assert.Zero(t, removed)

	s.Clock().Advance(sweepGrace)
	fresh, err := s.IssueToken(o.ID, "internal_org_application_mgt_view")
	require.NoError(t, err)

	// A batch of 3 examines three queue entries and removes at most three.
	total := 0
	for range 20 {
		removed, _ := s.sweep(s.Clock().Now(), 3)
		assert.LessOrEqual(t, removed, 3)
		total += removed
	}
	assert.Equal(t, 10+base, total, "every expired token, the seed's included")
	n, _, _ = liveCounts(s)
	assert.Equal(t, 1, n, "only the fresh token is left")
	s.store.mu.RLock()
	for _, v := range old {
		assert.Nil(t, s.store.accessToken(v))
	}
	assert.NotNil(t, s.store.accessToken(fresh))
	assert.Len(t, s.store.sweepQ.tokens, 1)
	s.store.mu.RUnlock()
}

func TestSweepKeepsPairsWhileTheRefreshTokenLives(t *testing.T) {
	s := newSweepServer(t)
	st := s.store
	st.mu.Lock()
	admin := st.apps[s.admin.ID]
	u := &user{id: "u1", username: "carol", orgID: st.rootOrgID}
	pair := st.mint(s, admin, st.rootOrgID, u, "password", nil, true)
	st.mu.Unlock()
	require.NotEmpty(t, pair.refresh())

	// Past the access token's expiry and the grace, the refresh token (a
	// day) still lives: the pair stays.
	s.Clock().Advance(2 * time.Hour)
	s.sweep(s.Clock().Now(), sweepBatch)
	st.mu.RLock()
	assert.Same(t, pair, st.accessToken(pair.access()))
	assert.Same(t, pair, st.refresh[pair.refresh()])
	st.mu.RUnlock()

	s.Clock().Advance(24*time.Hour + sweepGrace)
	s.sweep(s.Clock().Now(), sweepBatch)
	st.mu.RLock()
	assert.Nil(t, st.accessToken(pair.access()))
	assert.Nil(t, st.refresh[pair.refresh()])
	st.mu.RUnlock()
}

func TestSweepLeavesARefreshKeyHandedOn(t *testing.T) {
	// Refreshing without rotation hands the refresh token to the new pair;
	// sweeping the old pair must not take the key away from the new one.
	s := newSweepServer(t)
	st := s.store
	st.mu.Lock()
	admin := st.apps[s.admin.ID]
	u := &user{id: "u1", username: "carol", orgID: st.rootOrgID}
	old := st.mint(s, admin, st.rootOrgID, u, "password", nil, true)
	old.ext.refreshExpires = old.expiresAt // so the old pair dies first
	next := st.mint(s, admin, st.rootOrgID, u, "refresh_token", nil, true)
	delete(st.refresh, next.ext.refresh)
	next.ext.refresh = old.ext.refresh
	next.ext.refreshExpires = old.issuedAt() + int64(48*time.Hour)
	st.refresh[next.ext.refresh] = next
	st.mu.Unlock()

	s.Clock().Advance(time.Hour + sweepGrace + time.Second)
	s.sweep(s.Clock().Now(), sweepBatch)
	st.mu.RLock()
	defer st.mu.RUnlock()
	assert.Nil(t, st.accessToken(old.access()))
	assert.Same(t, next, st.refresh[old.refresh()])
}

func TestSweepRemovesExpiredCodes(t *testing.T) {
	s := newSweepServer(t)
	st := s.store
	now := s.Clock().Now()
	st.mu.Lock()
	expired := &authCode{code: "c-old", expiresAt: now.Add(time.Minute)}
	live := &authCode{code: "c-live", expiresAt: now.Add(time.Hour)}
	for _, c := range []*authCode{expired, live} {
		st.codes[c.code] = c
		st.trackCode(c)
	}
	st.mu.Unlock()

	s.Clock().Advance(time.Minute + sweepGrace + time.Second)
	_, codes := s.sweep(s.Clock().Now(), sweepBatch)
	assert.Equal(t, 1, codes)
	_, _, n := liveCounts(s)
	assert.Equal(t, 1, n)
	st.mu.RLock()
	assert.Same(t, live, st.codes["c-live"])
	st.mu.RUnlock()
}

func TestSweeperStopsWithClose(t *testing.T) {
	s, err := Start()
	require.NoError(t, err)
	done := s.sweepDone
	s.Close()
	select {
	case <-done:
	default:
		t.Fatal("the sweeper outlived Close")
	}
	s.Close() // a second Close is harmless
}

func TestRotateCompactsTheQueue(t *testing.T) {
	q := make([]int, 0, 1024)
	for i := range 1000 {
		q = append(q, i)
	}
	dropped := 0
	for range 20 {
		var n int
		q, n = rotate(q, 100, func(x int) bool { return x%10 != 0 }, func(int) {})
		dropped += n
	}
	assert.Equal(t, 900, dropped)
	assert.Len(t, q, 100)
	assert.LessOrEqual(t, cap(q), 512, "the backing array shrinks with the queue")
}
