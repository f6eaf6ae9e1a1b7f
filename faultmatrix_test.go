package asgardeo_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// The fault matrix: every kind of call the SDK makes, against every failure
// the network or the server can produce, with the outcome the retry policy
// promises written in each cell.

// faultColumn is one injected failure. Its Method, Path and GrantType are
// filled in by the row, so that only the row's own request fails.
type faultColumn struct {
	name  string
	fault func() asgardeotest.Fault
	slow  bool // the answer comes after the call's deadline
}

// hugeBody is a well-formed JSON body of more than 10 MB: only a size limit
// turns it into an error.
var hugeBody = sync.OnceValue(func() string { return `{"name":"` + strings.Repeat("a", 10<<20) + `"}` })

const htmlPage = "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Something went wrong</h1></body></html>"

func status(code int, body, contentType string) func() asgardeotest.Fault {
	return func() asgardeotest.Fault {
		return asgardeotest.Fault{Status: code, Body: body, ContentType: contentType}
	}
}

// The columns, in the order of each row's want array.
var faultColumns = [...]faultColumn{
	{name: "429 Retry-After seconds", fault: func() asgardeotest.Fault {
		return asgardeotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
	}},
	{name: "429 Retry-After date", fault: func() asgardeotest.Fault {
		return asgardeotest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}
	}},
	{name: "500", fault: status(http.StatusInternalServerError, "Internal Server Error", "text/plain")},
	{name: "502", fault: status(http.StatusBadGateway, htmlPage, "text/html")},
	{name: "503", fault: status(http.StatusServiceUnavailable, htmlPage, "text/html")},
	{name: "503 Retry-After", fault: func() asgardeotest.Fault {
		return asgardeotest.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "1", Body: htmlPage, ContentType: "text/html"}
	}},
	{name: "504", fault: status(http.StatusGatewayTimeout, htmlPage, "text/html")},
	{name: "dropped before processing", fault: func() asgardeotest.Fault { return asgardeotest.Fault{Drop: true} }},
	{name: "dropped after processing", fault: func() asgardeotest.Fault { return asgardeotest.Fault{DropAfter: true} }},
	{name: "slower than the deadline", slow: true, fault: func() asgardeotest.Fault { return asgardeotest.Fault{Delay: time.Minute} }},
	{name: "truncated JSON 200", fault: status(http.StatusOK, `{"id":"5b0c3e1a","access_token":"tru`, "application/json")},
	{name: "HTML page 200", fault: status(http.StatusOK, htmlPage, "text/html")},
	{name: "empty 200", fault: status(http.StatusOK, "", "")},
	{name: "empty 500", fault: status(http.StatusInternalServerError, "", "")},
	{name: "10 MB body 200", fault: func() asgardeotest.Fault { return asgardeotest.Fault{Status: http.StatusOK, Body: hugeBody()} }},
}

// errType names the error type a failed cell must unwrap to.
type errType int

const (
	noErr         errType = iota
	statusErr             // *asgardeo.Error for management rows, *asgardeo.OAuthError for OAuth2 rows
	restErr               // *asgardeo.Error, whatever the row
	transportErr          // *asgardeo.TransportError
	malformedBody         // *asgardeo.MalformedError
)

// outcome is what one cell must produce: success or a typed error, and how
// many times the request reached the server.
type outcome struct {
	ok       bool
	as       errType
	is       error
	attempts int
}

var (
	// R: success after one retry.
	R = outcome{ok: true, attempts: 2}
	// OK: success without a retry (the call ignores the body it got).
	OK = outcome{ok: true, attempts: 1}
	// RL: rate limited, not retried.
	RL = outcome{as: statusErr, is: asgardeo.ErrRateLimited, attempts: 1}
	// SE: server error, not retried.
	SE = outcome{as: statusErr, is: asgardeo.ErrServer, attempts: 1}
	// TE: the connection broke and the request may have been processed: not retried.
	TE = outcome{as: transportErr, attempts: 1}
	// DL: the context's deadline ended the call.
	DL = outcome{as: transportErr, is: context.DeadlineExceeded, attempts: 1}
	// MF: a 2xx body that cannot be decoded or is too large.
	MF = outcome{as: malformedBody, is: asgardeo.ErrMalformed, attempts: 1}
	// MS: an unexpected 2xx status with an undecodable body.
	MS = outcome{as: restErr, is: asgardeo.ErrMalformed, attempts: 1}
	// NF: retried after the first attempt deleted the resource: not found.
	NF = outcome{as: restErr, is: asgardeo.ErrNotFound, attempts: 2}
)

// matrixWorld is a token world plus what the rows prepare before the fault.
type matrixWorld struct {
	*tokenWorld
	oidc     *asgardeo.OIDCConfig
	code     string
	verifier string
	userTok  *oauth2.Token
	switched oauth2.TokenSource
}

type matrixRow struct {
	name    string
	oauth   bool // the endpoint speaks OAuth2 errors
	target  func(w *matrixWorld) asgardeotest.Fault
	prepare func(t *testing.T, w *matrixWorld)
	call    func(ctx context.Context, w *matrixWorld) error
	count   func(w *matrixWorld) int // requests of the row that reached the server
	creates bool                     // the call creates an application
	want    [len(faultColumns)]outcome
}

const createdName = "matrix-created"

func mgmt(method string, path func(w *matrixWorld) string) func(w *matrixWorld) asgardeotest.Fault {
	return func(w *matrixWorld) asgardeotest.Fault { return asgardeotest.Fault{Method: method, Path: path(w)} }
}

func grant(g string, root bool) func(w *matrixWorld) asgardeotest.Fault {
	return func(w *matrixWorld) asgardeotest.Fault {
		path := "/o/" + tokOrgID + "/oauth2/token"
		if root {
			path = "/oauth2/token"
		}
		return asgardeotest.Fault{Method: http.MethodPost, Path: path, GrantType: g}
	}
}

func countGrant(g string) func(w *matrixWorld) int {
	return func(w *matrixWorld) int { return w.srv.CountGrant(g) }
}

func matrixAppPath(w *matrixWorld) string { return "/o/api/server/v1/applications/" + w.web.ID }
func matrixOIDCPath(w *matrixWorld) string {
	return "/o/api/server/v1/applications/" + w.web.ID + "/inbound-protocols/oidc"
}
func matrixAppsPath(*matrixWorld) string { return "/o/api/server/v1/applications" }

func countPath(method string, path func(w *matrixWorld) string) func(w *matrixWorld) int {
	return func(w *matrixWorld) int { return w.srv.Count(method, path(w)) }
}

func passwordToken(t *testing.T, w *matrixWorld, a asgardeotest.Application) {
	tok, err := w.app(a).Password(context.Background(), tokUser, tokPassword, "read_stores")
	require.NoError(t, err)
	w.userTok = tok
}

var matrixRows = []matrixRow{
	//                                        429s 429d 500 502 503 503RA 504 drop after slow trunc html empty e500 10MB
	{name: "GET application", target: mgmt(http.MethodGet, matrixAppPath),
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.org.Applications().Get(ctx, w.web.ID)
			return err
		},
		count: countPath(http.MethodGet, matrixAppPath),
		want:  [...]outcome{R, R, SE, R, R, R, R, R, R, DL, MF, MF, MF, SE, MF}},
	{name: "PUT OIDC settings", target: mgmt(http.MethodPut, matrixOIDCPath),
		prepare: func(t *testing.T, w *matrixWorld) {
			cfg, err := w.org.Applications().GetOIDC(context.Background(), w.web.ID)
			require.NoError(t, err)
			cfg.ClientSecret = ""
			w.oidc = cfg
		},
		call: func(ctx context.Context, w *matrixWorld) error {
			return w.org.Applications().UpdateOIDC(ctx, w.web.ID, w.oidc)
		},
		count: countPath(http.MethodPut, matrixOIDCPath),
		want:  [...]outcome{R, R, SE, R, R, R, R, R, R, DL, OK, OK, OK, SE, MF}},
	{name: "PATCH application", target: mgmt(http.MethodPatch, matrixAppPath),
		call: func(ctx context.Context, w *matrixWorld) error {
			return w.org.Applications().Update(ctx, w.web.ID, &asgardeo.ApplicationPatch{Description: new("patched")})
		},
		count: countPath(http.MethodPatch, matrixAppPath),
		want:  [...]outcome{R, R, SE, SE, SE, R, SE, TE, TE, DL, OK, OK, OK, SE, MF}},
	{name: "DELETE application", target: mgmt(http.MethodDelete, matrixAppPath),
		call: func(ctx context.Context, w *matrixWorld) error {
			return w.org.Applications().Delete(ctx, w.web.ID)
		},
		count: countPath(http.MethodDelete, matrixAppPath),
		want:  [...]outcome{R, R, SE, R, R, R, R, R, NF, DL, OK, OK, OK, SE, MF}},
	{name: "POST application", target: mgmt(http.MethodPost, matrixAppsPath), creates: true,
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.org.Applications().Create(ctx, asgardeo.NewM2MApplication(createdName))
			return err
		},
		count: countPath(http.MethodPost, matrixAppsPath),
		want:  [...]outcome{R, R, SE, SE, SE, R, SE, TE, TE, DL, MS, MS, MS, SE, MF}},
	{name: "client credentials", oauth: true, target: grant("client_credentials", false),
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.app(w.m2m).ClientCredentials("read_stores").Token()
			return err
		},
		count: countGrant("client_credentials"),
		want:  [...]outcome{R, R, R, R, R, R, R, R, R, DL, MF, MF, MF, R, MF}},
	{name: "password", oauth: true, target: grant("password", false),
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.app(w.web).Password(ctx, tokUser, tokPassword, "read_stores")
			return err
		},
		count: countGrant("password"),
		want:  [...]outcome{R, R, R, R, R, R, R, R, R, DL, MF, MF, MF, R, MF}},
	{name: "authorization code", oauth: true, target: grant("authorization_code", false),
		prepare: func(t *testing.T, w *matrixWorld) {
			authURL, verifier := w.app(w.web, asgardeo.WithRedirectURL(tokCallback)).AuthCodeURL("st-1", []string{"read_stores"})
			require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
			code, err := asgardeo.CheckCallback(follow(t, authURL), "st-1")
			require.NoError(t, err)
			w.code, w.verifier = code, verifier
		},
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.app(w.web, asgardeo.WithRedirectURL(tokCallback)).Exchange(ctx, w.code, w.verifier)
			return err
		},
		count: countGrant("authorization_code"),
		want:  [...]outcome{RL, RL, SE, SE, SE, SE, SE, TE, TE, DL, MF, MF, MF, SE, MF}},
	{name: "refresh (rotating)", oauth: true, target: grant("refresh_token", false),
		prepare: func(t *testing.T, w *matrixWorld) { passwordToken(t, w, w.rot) },
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.app(w.rot).Refresh(ctx, w.userTok.RefreshToken)
			return err
		},
		count: countGrant("refresh_token"),
		want:  [...]outcome{RL, RL, SE, SE, SE, SE, SE, TE, TE, DL, MF, MF, MF, SE, MF}},
	{name: "organization switch", oauth: true, target: grant("organization_switch", true),
		prepare: func(t *testing.T, w *matrixWorld) {
			admin := w.c.Tokens().ForApp(w.srv.Admin().ClientID, w.srv.Admin().ClientSecret)
			root := admin.ClientCredentials()
			_, err := root.Token() // cached: only the switch meets the fault
			require.NoError(t, err)
			w.switched = admin.OrganizationSwitch(root, tokOrgID)
		},
		call: func(ctx context.Context, w *matrixWorld) error {
			_, err := w.switched.Token()
			return err
		},
		count: countGrant("organization_switch"),
		want:  [...]outcome{R, R, R, R, R, R, R, R, R, DL, MF, MF, MF, R, MF}},
	{name: "introspection", oauth: true,
		target:  mgmt(http.MethodPost, func(*matrixWorld) string { return "/o/" + tokOrgID + "/oauth2/introspect" }),
		prepare: func(t *testing.T, w *matrixWorld) { passwordToken(t, w, w.web) },
		call: func(ctx context.Context, w *matrixWorld) error {
			in, err := w.app(w.web).Introspect(ctx, w.userTok.AccessToken, asgardeo.AccessTokenHint)
			if err == nil && !in.Active {
				return errors.New("token reported inactive")
			}
			return err
		},
		count: countPath(http.MethodPost, func(*matrixWorld) string { return "/o/" + tokOrgID + "/oauth2/introspect" }),
		want:  [...]outcome{R, R, R, R, R, R, R, R, R, DL, MF, MF, MF, R, MF}},
	{name: "revocation", oauth: true,
		target:  mgmt(http.MethodPost, func(*matrixWorld) string { return "/o/" + tokOrgID + "/oauth2/revoke" }),
		prepare: func(t *testing.T, w *matrixWorld) { passwordToken(t, w, w.web) },
		call: func(ctx context.Context, w *matrixWorld) error {
			return w.app(w.web).Revoke(ctx, w.userTok.AccessToken, asgardeo.AccessTokenHint)
		},
		count: countPath(http.MethodPost, func(*matrixWorld) string { return "/o/" + tokOrgID + "/oauth2/revoke" }),
		want:  [...]outcome{R, R, R, R, R, R, R, R, R, DL, OK, OK, OK, R, MF}},
}

// TestFaultMatrix runs every row against every column on a fresh fake, with
// WithRetry(3, 20ms): the outcome must be the cell's, the request must have
// reached the server exactly as often as the policy allows (an
// authorization code and a rotated refresh token never twice, an
// application never created twice), and every call must return by its
// deadline.
func TestFaultMatrix(t *testing.T) {
	for _, row := range matrixRows {
		for i, col := range faultColumns {
			want := row.want[i]
			t.Run(row.name+"/"+col.name, func(t *testing.T) {
				t.Parallel()
				deadline := 5 * time.Second
				if col.slow {
					deadline = 500 * time.Millisecond
				}
				w := &matrixWorld{tokenWorld: newTokenWorld(t, asgardeo.WithRetry(3, 20*time.Millisecond), asgardeo.WithTimeout(deadline))}
				if !row.oauth {
					// The management token is fetched and cached before the
					// fault, so that only the row's own request meets it.
					_, err := w.org.Applications().List(context.Background(), nil)
					require.NoError(t, err)
				}
				if row.prepare != nil {
					row.prepare(t, w)
				}
				f := col.fault()
				target := row.target(w)
				f.Method, f.Path, f.GrantType = target.Method, target.Path, target.GrantType
				before := row.count(w)
				w.srv.InjectFault(f)

				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				done := make(chan error, 1)
				go func() { done <- row.call(ctx, w) }()
				var err error
				select {
				case err = <-done:
				case <-time.After(deadline + 10*time.Second):
					t.Fatalf("the call did not return after its %v deadline", deadline)
				}

				checkOutcome(t, row, want, err)
				assert.Empty(t, w.srv.UnfiredFaults(), "the fault never fired")
				if row.creates {
					created := 0
					list, lerr := w.org.Applications().List(context.Background(), nil)
					require.NoError(t, lerr)
					for _, a := range list.Applications {
						if a.Name == createdName {
							created++
						}
					}
					wantCreated := 0
					if want.ok || f.DropAfter {
						wantCreated = 1
					}
					assert.Equal(t, wantCreated, created, "applications created")
				}
				// Close waits for the handlers in flight, so the journal's
				// counts are final.
				w.srv.Close()
				assert.Equal(t, want.attempts, row.count(w)-before, "requests that reached the server")
			})
		}
	}
}

func checkOutcome(t *testing.T, row matrixRow, want outcome, err error) {
	t.Helper()
	if want.ok {
		require.NoError(t, err)
		return
	}
	require.Error(t, err)
	if want.is != nil {
		assert.ErrorIs(t, err, want.is)
	}
	as := want.as
	if as == statusErr {
		as = restErr
		if row.oauth {
			var oe *asgardeo.OAuthError
			assert.ErrorAs(t, err, &oe)
			return
		}
	}
	switch as {
	case restErr:
		var e *asgardeo.Error
		assert.ErrorAs(t, err, &e)
	case transportErr:
		var te *asgardeo.TransportError
		assert.ErrorAs(t, err, &te)
		if want.is == nil {
			assert.NotErrorIs(t, err, context.DeadlineExceeded)
		}
	case malformedBody:
		var me *asgardeo.MalformedError
		assert.ErrorAs(t, err, &me)
	}
}
