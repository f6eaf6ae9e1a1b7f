package asgardeo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// testClock is a settable clock for cache tests.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newCacheForTest(t *testing.T, clock *testClock, margin time.Duration, fetch func(ctx context.Context) (*oauth2.Token, error)) *cachedSource {
	t.Helper()
	c, err := New("bestcarmart", WithClock(clock.Now), WithExpiryMargin(margin))
	require.NoError(t, err)
	return newCachedSource(c, fetch)
}

func TestCachedSourceCachesUntilMargin(t *testing.T) {
	clock := &testClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	var fetches atomic.Int32
	s := newCacheForTest(t, clock, 30*time.Second, func(context.Context) (*oauth2.Token, error) {
		n := fetches.Add(1)
		return &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", n), Expiry: clock.Now().Add(time.Hour)}, nil
	})
	for range 5 {
		tok, err := s.Token()
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.AccessToken)
	}
	clock.Advance(time.Hour - 31*time.Second)
	tok, err := s.token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.AccessToken, "still outside the margin")

	clock.Advance(2 * time.Second) // 29 s before expiry: inside the margin
	tok, err = s.token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.AccessToken, "renewed before it expires")
	assert.Equal(t, int32(2), fetches.Load())
}

func TestCachedSourceZeroExpiryIsKept(t *testing.T) {
	clock := &testClock{now: time.Now()}
	var fetches atomic.Int32
	s := newCacheForTest(t, clock, DefaultExpiryMargin, func(context.Context) (*oauth2.Token, error) {
		fetches.Add(1)
		return &oauth2.Token{AccessToken: "forever"}, nil
	})
	for range 3 {
		_, err := s.Token()
		require.NoError(t, err)
		clock.Advance(24 * time.Hour)
	}
	assert.Equal(t, int32(1), fetches.Load())
}

func TestCachedSourceRejectsEmptyToken(t *testing.T) {
	clock := &testClock{now: time.Now()}
	for _, tok := range []*oauth2.Token{nil, {}} {
		s := newCacheForTest(t, clock, 0, func(context.Context) (*oauth2.Token, error) { return tok, nil })
		got, err := s.Token()
		require.Error(t, err)
		assert.Nil(t, got)
	}
}

func TestCachedSourceOneFetchForConcurrentCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := &testClock{now: time.Now()}
		release := make(chan struct{})
		var fetches atomic.Int32
		s := newCacheForTest(t, clock, 0, func(context.Context) (*oauth2.Token, error) {
			fetches.Add(1)
			<-release
			return &oauth2.Token{AccessToken: "shared", Expiry: clock.Now().Add(time.Hour)}, nil
		})
		const callers = 25
		results := make(chan string, callers)
		for range callers {
			go func() {
				tok, err := s.token(context.Background())
				if err != nil {
					results <- "error: " + err.Error()
					return
				}
				results <- tok.AccessToken
			}()
		}
		synctest.Wait() // every caller is waiting on the one fetch
		assert.Equal(t, int32(1), fetches.Load())
		close(release)
		for range callers {
			assert.Equal(t, "shared", <-results)
		}
		assert.Equal(t, int32(1), fetches.Load())
	})
}

func TestCachedSourceFailureReachesEveryWaiterThenRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := &testClock{now: time.Now()}
		release := make(chan struct{})
		var fetches atomic.Int32
		boom := errors.New("token endpoint down")
		s := newCacheForTest(t, clock, 0, func(context.Context) (*oauth2.Token, error) {
			if fetches.Add(1) == 1 {
				<-release
				return nil, boom
			}
			return &oauth2.Token{AccessToken: "second", Expiry: clock.Now().Add(time.Hour)}, nil
		})
		const callers = 10
		errs := make(chan error, callers)
		for range callers {
			go func() {
				_, err := s.token(context.Background())
				errs <- err
			}()
		}
		synctest.Wait()
		close(release)
		for range callers {
			assert.ErrorIs(t, <-errs, boom)
		}
		assert.Equal(t, int32(1), fetches.Load(), "one failed fetch for all waiters")

		tok, err := s.token(context.Background())
		require.NoError(t, err, "the next call tries again")
		assert.Equal(t, "second", tok.AccessToken)
	})
}

// TestCachedSourceLeaderCancelled: the caller whose fetch is in flight gives
// up; the waiters, whose contexts are alive, are not failed with its
// context error but fetch for themselves.
func TestCachedSourceLeaderCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := &testClock{now: time.Now()}
		var fetches atomic.Int32
		s := newCacheForTest(t, clock, 0, func(ctx context.Context) (*oauth2.Token, error) {
			if fetches.Add(1) == 1 {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return &oauth2.Token{AccessToken: "fresh", Expiry: clock.Now().Add(time.Hour)}, nil
		})
		leaderCtx, cancel := context.WithCancel(context.Background())
		leaderErr := make(chan error, 1)
		go func() {
			_, err := s.token(leaderCtx)
			leaderErr <- err
		}()
		synctest.Wait()
		follower := make(chan string, 1)
		go func() {
			tok, err := s.token(context.Background())
			if err != nil {
				follower <- err.Error()
				return
			}
			follower <- tok.AccessToken
		}()
		synctest.Wait()
		cancel()
		assert.ErrorIs(t, <-leaderErr, context.Canceled)
		assert.Equal(t, "fresh", <-follower)
		assert.Equal(t, int32(2), fetches.Load())
	})
}

// TestCachedSourceWaiterCancelled: a waiter whose own context ends returns
// at once with that error, while the fetch goes on for the others.
func TestCachedSourceWaiterCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := &testClock{now: time.Now()}
		release := make(chan struct{})
		s := newCacheForTest(t, clock, 0, func(context.Context) (*oauth2.Token, error) {
			<-release
			return &oauth2.Token{AccessToken: "late", Expiry: clock.Now().Add(time.Hour)}, nil
		})
		leader := make(chan string, 1)
		go func() {
			tok, _ := s.token(context.Background())
			leader <- tok.AccessToken
		}()
		synctest.Wait()
		ctx, cancel := context.WithCancel(context.Background())
		waiterErr := make(chan error, 1)
		go func() {
			_, err := s.token(ctx)
			waiterErr <- err
		}()
		synctest.Wait()
		cancel()
		assert.ErrorIs(t, <-waiterErr, context.Canceled)
		close(release)
		assert.Equal(t, "late", <-leader)
	})
}

func TestCachedSourceInvalidate(t *testing.T) {
	clock := &testClock{now: time.Now()}
	var fetches atomic.Int32
	s := newCacheForTest(t, clock, 0, func(context.Context) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", fetches.Add(1)), Expiry: clock.Now().Add(time.Hour)}, nil
	})
	first, err := s.Token()
	require.NoError(t, err)
	s.invalidate(&oauth2.Token{AccessToken: "tok-1"}) // another token value: ignored
	again, err := s.Token()
	require.NoError(t, err)
	assert.Same(t, first, again)

	s.invalidate(first)
	second, err := s.Token()
	require.NoError(t, err)
	assert.Equal(t, "tok-2", second.AccessToken)
	s.invalidate(first) // stale: the cache already moved on
	third, err := s.Token()
	require.NoError(t, err)
	assert.Same(t, second, third)
}

func TestSourceGetter(t *testing.T) {
	g := sourceGetter{oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "static"})}
	tok, err := g.token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "static", tok.AccessToken)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = g.token(ctx)
	assert.ErrorIs(t, err, context.Canceled, "a plain TokenSource is not called with a dead context")
}
