package asgardeo_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
	"github.com/asgardeo-go/asgardeo/internal/transport"
)

const mockBase = "https://api.asgardeo.test"

// outcomes a mocked server (or network) can give one attempt.
var retryOutcomes = map[string]httpmock.Responder{
	"dial error":          httpmock.NewErrorResponder(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}),
	"reset after sending": httpmock.NewErrorResponder(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}),
	"400":                 httpmock.NewStringResponder(400, `{"code":"APP-60001","message":"Invalid request."}`),
	"404":                 httpmock.NewStringResponder(404, `{"code":"APP-60006","message":"Not found."}`),
	"429":                 httpmock.NewStringResponder(429, `{"code":"429","message":"Too many requests."}`),
	"500":                 httpmock.NewStringResponder(500, `{"code":"SE-50000","message":"Unexpected Processing Error."}`),
	"502":                 httpmock.NewStringResponder(502, `<html>bad gateway</html>`),
	"503":                 httpmock.NewStringResponder(503, `<html>unavailable</html>`),
	"503 with Retry-After": httpmock.NewStringResponder(503, `<html>unavailable</html>`).
		HeaderSet(http.Header{"Retry-After": {"1"}}),
	"504": httpmock.NewStringResponder(504, `<html>gateway timeout</html>`),
}

// TestRetryDecisionPerMethodAndStatus sends each method (and each token
// retry class) against each outcome and counts the attempts that reached the
// transport: 3 when the outcome is retried (WithRetry(3, ...)), else 1.
func TestRetryDecisionPerMethodAndStatus(t *testing.T) {
	idempotent := []string{"dial error", "reset after sending", "429", "502", "503", "503 with Retry-After", "504"}
	unsafe := []string{"dial error", "429", "503 with Retry-After"}
	repeatable := []string{"dial error", "reset after sending", "429", "500", "502", "503", "503 with Retry-After", "504"}
	once := []string{"dial error"}
	type sender struct {
		name    string
		retried []string
		send    func(c *asgardeo.Client, u string) error
	}
	do := func(method string, class *transport.Class) func(c *asgardeo.Client, u string) error {
		return func(c *asgardeo.Client, u string) error {
			ctx := context.Background()
			if class != nil {
				ctx = transport.WithClass(ctx, *class)
			}
			var body any
			if method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut {
				body = map[string]string{"name": "orders"}
			}
			_, err := c.DoForTest(ctx, method, u, body, nil)
			return err
		}
	}
	form := func(class transport.Class) func(c *asgardeo.Client, u string) error {
		return func(c *asgardeo.Client, u string) error {
			_, _, err := c.PostFormForTest(context.Background(), u, url.Values{"grant_type": {"authorization_code"}, "code": {"c"}}, "id", "secret", class)
			return err
		}
	}
	repeatableClass, onceClass := transport.Repeatable, transport.Once
	senders := []sender{
		{"GET", idempotent, do(http.MethodGet, nil)},
		{"PUT", idempotent, do(http.MethodPut, nil)},
		{"DELETE", idempotent, do(http.MethodDelete, nil)},
		{"POST", unsafe, do(http.MethodPost, nil)},
		{"PATCH", unsafe, do(http.MethodPatch, nil)},
		{"POST repeatable", repeatable, do(http.MethodPost, &repeatableClass)},
		{"POST once", once, do(http.MethodPost, &onceClass)},
		{"form repeatable", repeatable, form(transport.Repeatable)},
		{"form once", once, form(transport.Once)},
	}
	for _, s := range senders {
		for outcome, responder := range retryOutcomes {
			t.Run(s.name+"/"+outcome, func(t *testing.T) {
				mock := httpmock.NewMockTransport()
				mock.RegisterNoResponder(responder)
				c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(mockBase),
					asgardeo.WithHTTPClient(&http.Client{Transport: mock}), asgardeo.WithRetry(3, time.Millisecond))
				require.NoError(t, err)
				err = s.send(c, mockBase+"/t/bestcarmart/o/api/server/v1/applications/x")
				require.Error(t, err)
				want := 1
				for _, r := range s.retried {
					if r == outcome {
						want = 3
					}
				}
				assert.Equal(t, want, mock.GetTotalCallCount())
			})
		}
	}
}

func TestRetrySucceedsAfterTransientFailures(t *testing.T) {
	mock := httpmock.NewMockTransport()
	calls := 0
	mock.RegisterResponder(http.MethodGet, mockBase+"/t/bestcarmart/thing", func(r *http.Request) (*http.Response, error) {
		calls++
		if calls < 3 {
			return httpmock.NewStringResponse(503, "busy"), nil
		}
		return httpmock.NewStringResponse(200, `{"name":"ok"}`), nil
	})
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(mockBase), asgardeo.WithHTTPClient(&http.Client{Transport: mock}), asgardeo.WithRetry(3, time.Millisecond))
	require.NoError(t, err)
	var out struct{ Name string }
	status, err := c.DoForTest(context.Background(), http.MethodGet, mockBase+"/t/bestcarmart/thing", nil, &out)
	require.NoError(t, err)
	assert.Equal(t, 200, status)
	assert.Equal(t, "ok", out.Name)
	assert.Equal(t, 3, calls)
}

func TestWithoutRetryTriesOnce(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(retryOutcomes["503"])
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(mockBase), asgardeo.WithHTTPClient(&http.Client{Transport: mock}), asgardeo.WithoutRetry())
	require.NoError(t, err)
	_, err = c.DoForTest(context.Background(), http.MethodGet, mockBase+"/t/bestcarmart/x", nil, nil)
	require.ErrorIs(t, err, asgardeo.ErrServer)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

// newFake starts the fake with one organization and a client for it whose
// retries wait at most maxWait.
func newFake(t *testing.T, attempts int, maxWait time.Duration) (*asgardeotest.Server, *asgardeo.Client, *asgardeo.Org) {
	t.Helper()
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	c := srv.Client(asgardeo.WithRetry(attempts, maxWait))
	t.Cleanup(c.Close)
	o, err := c.Org(org.ID)
	require.NoError(t, err)
	return srv, c, o
}

// probe is a management path no service serves: past any fault, the fake
// answers it 404, so a call that got through ends in ErrNotFound.
const probe = "/o/api/server/v1/retry-probe"

func TestRetryAgainstFakeFaults(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		method   string
		fault    asgardeotest.Fault
		attempts int // requests the fake sees for the probe path
		wantErr  error
	}{
		{"GET 503 then served", http.MethodGet, asgardeotest.Fault{Status: 503, Times: 2}, 3, asgardeo.ErrNotFound},
		{"GET 502 then served", http.MethodGet, asgardeotest.Fault{Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"}, 2, asgardeo.ErrNotFound},
		{"GET dropped then served", http.MethodGet, asgardeotest.Fault{Drop: true}, 2, asgardeo.ErrNotFound},
		{"GET dropped after processing then served", http.MethodGet, asgardeotest.Fault{DropAfter: true}, 2, asgardeo.ErrNotFound},
		{"GET 500 not retried", http.MethodGet, asgardeotest.Fault{Status: 500, Body: `{"code":"SE-50000","message":"Unexpected Processing Error."}`}, 1, asgardeo.ErrServer},
		{"DELETE 504 then served", http.MethodDelete, asgardeotest.Fault{Status: 504}, 2, asgardeo.ErrNotFound},
		{"POST 502 not retried", http.MethodPost, asgardeotest.Fault{Status: 502}, 1, asgardeo.ErrServer},
		{"POST 504 not retried", http.MethodPost, asgardeotest.Fault{Status: 504}, 1, asgardeo.ErrServer},
		{"POST 503 without Retry-After not retried", http.MethodPost, asgardeotest.Fault{Status: 503}, 1, asgardeo.ErrServer},
		{"POST 503 with Retry-After retried", http.MethodPost, asgardeotest.Fault{Status: 503, RetryAfter: "1"}, 2, asgardeo.ErrNotFound},
		{"POST 429 retried", http.MethodPost, asgardeotest.Fault{Status: 429, RetryAfter: "1"}, 2, asgardeo.ErrNotFound},
		{"PATCH dropped after processing not retried", http.MethodPatch, asgardeotest.Fault{DropAfter: true}, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _, o := newFake(t, 3, 5*time.Millisecond)
			f := tc.fault
			f.Method, f.Path = tc.method, probe
			srv.InjectFault(f)
			var body any
			if tc.method != http.MethodGet && tc.method != http.MethodDelete {
				body = map[string]string{"name": "orders"}
			}
			_, err := o.CallForTest(ctx, tc.method, []string{"retry-probe"}, body, nil)
			require.Error(t, err)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			} else {
				var te *asgardeo.TransportError
				assert.ErrorAs(t, err, &te, "the connection was dropped: %v", err)
			}
			assert.Equal(t, tc.attempts, srv.Count(tc.method, probe))
			assert.Empty(t, srv.UnfiredFaults())
		})
	}
}

// TestTokenRequestsRetried: the root client-credentials and the
// organization-switch requests only mint another token when repeated, so
// they are retried on 5xx and on a connection dropped after processing.
func TestTokenRequestsRetried(t *testing.T) {
	srv, _, o := newFake(t, 3, 5*time.Millisecond)
	srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: "/oauth2/token", GrantType: "client_credentials", Status: 500, Times: 2})
	srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: "/oauth2/token", GrantType: "organization_switch", DropAfter: true})
	_, err := o.CallForTest(context.Background(), http.MethodGet, []string{"retry-probe"}, nil, nil)
	require.ErrorIs(t, err, asgardeo.ErrNotFound, "the call got through")
	assert.Equal(t, 3, srv.CountGrant("client_credentials"))
	assert.Equal(t, 2, srv.CountGrant("organization_switch"))
	assert.Empty(t, srv.UnfiredFaults())
}

func TestOnceClassNotRetriedAgainstFake(t *testing.T) {
	srv, c, _ := newFake(t, 3, 5*time.Millisecond)
	srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: "/oauth2/token", Status: 502})
	admin := srv.Admin()
	_, _, err := c.PostFormForTest(context.Background(), srv.TenantURL()+"/oauth2/token",
		url.Values{"grant_type": {"client_credentials"}}, admin.ClientID, admin.ClientSecret, transport.Once)
	var oe *asgardeo.OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, 502, oe.StatusCode)
	assert.Equal(t, 1, srv.Count("POST", "/oauth2/token"))
}

// TestRetryAfterCappedByMaxWait: a Retry-After of an hour is capped by the
// client's maximum wait, so the call retries and returns.
func TestRetryAfterCappedByMaxWait(t *testing.T) {
	for _, ra := range []string{"3600", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)} {
		srv, _, o := newFake(t, 2, 50*time.Millisecond)
		srv.InjectFault(asgardeotest.Fault{Method: "GET", Path: probe, Status: 503, RetryAfter: ra})
		done := make(chan error, 1)
		go func() {
			_, err := o.CallForTest(context.Background(), http.MethodGet, []string{"retry-probe"}, nil, nil)
			done <- err
		}()
		select {
		case err := <-done:
			require.ErrorIs(t, err, asgardeo.ErrNotFound, "the retry went through")
		case <-time.After(time.Minute):
			t.Fatalf("Retry-After %q was not capped", ra)
		}
		assert.Equal(t, 2, srv.Count("GET", probe))
	}
}

// TestContextCancelledDuringBackoff: a caller that gives up while the client
// waits to retry gets context.Canceled back, without waiting out the backoff.
func TestContextCancelledDuringBackoff(t *testing.T) {
	srv, _, o := newFake(t, 3, time.Hour)
	srv.InjectFault(asgardeotest.Fault{Method: "GET", Path: probe, Status: 503, RetryAfter: "3600", Times: 3})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := o.CallForTest(ctx, http.MethodGet, []string{"retry-probe"}, nil, nil)
		done <- err
	}()
	go func() {
		for srv.Count("GET", probe) == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		var te *asgardeo.TransportError
		assert.ErrorAs(t, err, &te)
	case <-time.After(time.Minute):
		t.Fatal("the call did not return after its context was cancelled")
	}
	assert.Equal(t, 1, srv.Count("GET", probe), "no retry after the cancel")
}

func TestDeadlineDuringBackoff(t *testing.T) {
	srv, _, o := newFake(t, 3, time.Hour)
	srv.InjectFault(asgardeotest.Fault{Method: "GET", Path: probe, Status: 429, RetryAfter: "3600", Times: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := o.CallForTest(ctx, http.MethodGet, []string{"retry-probe"}, nil, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, errors.Is(err, asgardeo.ErrRateLimited))
}

// TestFakeClientFetchesTokensOnce: many concurrent management calls through
// srv.Client share one client-credentials and one organization-switch
// request; once the shared clock passes the tokens' expiry, one more of each.
func TestFakeClientFetchesTokensOnce(t *testing.T) {
	srv, _, o := newFake(t, 3, 5*time.Millisecond)
	call := func() error {
		var out map[string]any
		_, err := o.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, &out)
		return err
	}
	burst := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- call()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	}
	burst()
	assert.Equal(t, 1, srv.CountGrant("client_credentials"))
	assert.Equal(t, 1, srv.CountGrant("organization_switch"))
	assert.Equal(t, 32, srv.Count(http.MethodGet, "/o/api/server/v1/applications"))

	srv.Clock().Advance(2 * time.Hour)
	burst()
	assert.Equal(t, 2, srv.CountGrant("client_credentials"))
	assert.Equal(t, 2, srv.CountGrant("organization_switch"))
	assert.Equal(t, 64, srv.Count(http.MethodGet, "/o/api/server/v1/applications"), "no request was refused and repeated")
}
