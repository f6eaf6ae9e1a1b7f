package asgardeo_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// The token-count tests hold the SDK to the minimum number of token
// requests, counted in the fake's journal. One cold token source and 1,000
// concurrent callers is TestClientCredentialsOneRequestForThousandCallers
// (tokens_test.go).

// countWorld is a fake with one organization and one application in it,
// and a client with the root admin credentials on the fake's clock.
type countWorld struct {
	srv   *asgardeotest.Server
	org   *asgardeo.Org
	appID string
}

func newCountWorld(t *testing.T) *countWorld {
	t.Helper()
	// A frozen clock: expiry follows Advance alone, however slow the machine.
	clock := asgardeotest.NewClock(time.Now())
	clock.Set(clock.Now())
	srv := asgardeotest.NewServer(t, asgardeotest.WithClock(clock))
	o, err := srv.AddOrganizationWithID(tokOrgID, "Counted")
	require.NoError(t, err)
	app, err := srv.AddApplication(asgardeotest.AppSpec{Organization: o.ID, Name: "counted", GrantTypes: []string{"client_credentials"}})
	require.NoError(t, err)
	// Keep a connection per worker alive: the default transport keeps two,
	// and 64 workers would dial anew for most calls.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	t.Cleanup(tr.CloseIdleConnections)
	c := srv.Client(asgardeo.WithoutRetry(), asgardeo.WithHTTPClient(&http.Client{Transport: tr}))
	t.Cleanup(c.Close)
	org, err := c.Org(o.ID)
	require.NoError(t, err)
	return &countWorld{srv: srv, org: org, appID: app.ID}
}

// getConcurrently makes calls management calls (a one-item page of
// Applications().List, the cheapest to encode and decode) from workers
// goroutines and returns how many failed, with the first error.
func (w *countWorld) getConcurrently(calls, workers int) (int64, error) {
	var next, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(calls) {
				list, err := w.org.Applications().List(context.Background(), &asgardeo.ListApplicationsOptions{Limit: 1})
				if err == nil && len(list.Applications) != 1 {
					err = fmt.Errorf("got %d applications, want 1", len(list.Applications))
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	err, _ := firstErr.Load().(error)
	return failed.Load(), err
}

// TestTenThousandManagementCallsTwoTokenRequests: 10,000 management calls
// from 64 goroutines fetch one root client-credentials token and switch it
// to the organization once; no other token request is made.
func TestTenThousandManagementCallsTwoTokenRequests(t *testing.T) {
	w := newCountWorld(t)
	failed, err := w.getConcurrently(10_000, 64)
	require.NoError(t, err)
	require.Zero(t, failed)

	assert.Equal(t, 1, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, 1, w.srv.CountGrant("organization_switch"))
	assert.Equal(t, 2, w.srv.Count("POST", "/oauth2/token"), "token-endpoint requests")
	assert.Equal(t, 10_000, w.srv.Count("GET", "/o/api/server/v1/applications"))
	assert.Equal(t, 10_002, w.srv.Requests())
}

// TestNearExpiryRefreshedOnce: once the clock enters the expiry margin of
// both cached tokens, 200 concurrent callers cause exactly one more
// client-credentials and one more organization-switch request, and every
// call succeeds.
func TestNearExpiryRefreshedOnce(t *testing.T) {
	w := newCountWorld(t)
	_, err := w.org.Applications().Get(context.Background(), w.appID)
	require.NoError(t, err)
	require.Equal(t, 1, w.srv.CountGrant("client_credentials"))
	require.Equal(t, 1, w.srv.CountGrant("organization_switch"))

	// Inside the margin, still before expiry: the old tokens are valid at
	// the fake, but the SDK renews them rather than risk one expiring in
	// flight.
	w.srv.Clock().Advance(time.Hour - asgardeo.DefaultExpiryMargin/2)
	failed, err := w.getConcurrently(200, 200)
	require.NoError(t, err)
	require.Zero(t, failed)
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, 2, w.srv.CountGrant("organization_switch"))

	// The renewed tokens serve the next calls without another fetch.
	failed, err = w.getConcurrently(200, 200)
	require.NoError(t, err)
	require.Zero(t, failed)
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, 2, w.srv.CountGrant("organization_switch"))
}
