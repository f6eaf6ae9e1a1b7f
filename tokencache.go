package asgardeo

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// cachedSource caches a token until a margin before its expiry. Concurrent
// callers of a cold or expiring source share one fetch; a failed fetch
// reaches every waiter and the next call tries again. It implements
// [oauth2.TokenSource].
type cachedSource struct {
	fetch  func(ctx context.Context) (*oauth2.Token, error)
	now    func() time.Time
	margin time.Duration

	mu     sync.Mutex
	tok    *oauth2.Token
	flight *flight
}

// flight is one fetch in progress.
type flight struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

func newCachedSource(c *Client, fetch func(ctx context.Context) (*oauth2.Token, error)) *cachedSource {
	return &cachedSource{fetch: fetch, now: c.now, margin: c.margin}
}

// Token returns the cached token or fetches one. Token has no context, as
// [oauth2.TokenSource] requires; the fetch is bounded by the client's
// timeout when one is set. Prefer the SDK's own calls, which pass theirs.
func (s *cachedSource) Token() (*oauth2.Token, error) { return s.token(context.Background()) }

func (s *cachedSource) valid(t *oauth2.Token) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || s.now().Add(s.margin).Before(t.Expiry))
}

func (s *cachedSource) token(ctx context.Context) (*oauth2.Token, error) {
	for {
		s.mu.Lock()
		if s.valid(s.tok) {
			t := s.tok
			s.mu.Unlock()
			return t, nil
		}
		f := s.flight
		leader := f == nil
		if leader {
			f = &flight{done: make(chan struct{})}
			s.flight = f
		}
		s.mu.Unlock()

		if leader {
			tok, err := s.fetch(ctx)
			if err == nil && (tok == nil || tok.AccessToken == "") {
				tok, err = nil, errors.New("asgardeo: token endpoint returned no access token")
			}
			s.mu.Lock()
			if err == nil {
				s.tok = tok
			}
			s.flight = nil
			f.tok, f.err = tok, err
			s.mu.Unlock()
			close(f.done)
			return tok, err
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-f.done:
		}
		// The leader's own context ended: that is no answer for this caller,
		// whose context is still alive. Try again, perhaps as the leader.
		if f.err != nil && isContextError(f.err) && ctx.Err() == nil {
			continue
		}
		return f.tok, f.err
	}
}

// invalidate drops t from the cache if it is still the cached token, so that
// the next call fetches anew (after the server refused it).
func (s *cachedSource) invalidate(t *oauth2.Token) {
	s.mu.Lock()
	if s.tok == t {
		s.tok = nil
	}
	s.mu.Unlock()
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// sourceGetter adapts any oauth2.TokenSource to tokenGetter.
type sourceGetter struct{ ts oauth2.TokenSource }

func (g sourceGetter) token(ctx context.Context) (*oauth2.Token, error) {
	if cg, ok := g.ts.(tokenGetter); ok {
		return cg.token(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return g.ts.Token()
}
