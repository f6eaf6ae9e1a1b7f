package asgardeo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// wireSecrets is an http.RoundTripper that remembers every secret that
// crossed the wire: Basic credentials, bearer tokens, secret form fields,
// and the tokens of token responses.
type wireSecrets struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen map[string]bool
}

func (w *wireSecrets) add(v string) {
	if len(v) < 6 { // too short to search for without false hits
		return
	}
	w.mu.Lock()
	w.seen[v] = true
	w.mu.Unlock()
}

func (w *wireSecrets) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.seen))
	for v := range w.seen {
		out = append(out, v)
	}
	return out
}

func (w *wireSecrets) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, pw, ok := r.BasicAuth(); ok {
		w.add(pw)
		if unq, err := url.QueryUnescape(pw); err == nil {
			w.add(unq)
		}
	}
	if v, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		w.add(v)
	}
	if r.Body != nil && r.GetBody != nil {
		body, err := r.GetBody()
		if err == nil {
			data, _ := io.ReadAll(body)
			if form, err := url.ParseQuery(string(data)); err == nil {
				for k, vs := range form {
					if transport.IsSecretParam(k) {
						for _, v := range vs {
							w.add(v)
						}
					}
				}
			}
		}
	}
	resp, err := w.next.RoundTrip(r)
	if err != nil || resp == nil {
		return resp, err
	}
	data, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if rerr == nil {
		var tr map[string]any
		if json.Unmarshal(data, &tr) == nil {
			for _, k := range []string{"access_token", "refresh_token", "id_token", "clientSecret"} {
				if s, ok := tr[k].(string); ok {
					w.add(s)
				}
			}
		}
	}
	return resp, nil
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// failingTokenSource fails with an error of its own.
type failingTokenSource struct{}

func (failingTokenSource) Token() (*oauth2.Token, error) {
	return nil, errors.New("token source unavailable")
}

// TestSecretsNeverLeak runs calls that succeed and fail, with retries, and
// searches every log line, every error and the printed client and
// organization for the secrets involved, and the fake's journal too.
func TestSecretsNeverLeak(t *testing.T) {
	var serverLog syncBuffer
	srv := asgardeotest.NewServer(t, asgardeotest.WithLogger(slog.New(slog.NewJSONHandler(&serverLog, nil))))
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	const (
		userPassword = "C0rrect-Horse-Battery-Staple!"
		appSecret    = "app-secret-Zm9vYmFyYmF6cXV4"
		wrongSecret  = "wr0ng-secret-dGhpcyBpcyB3cm9uZw"
		staticToken  = "static-token-3f1e9a7c-revoked-or-unknown"
		queryToken   = "query-token-8b2d4e6f0a1c"
	)
	_, err = srv.AddUser(org.ID, "kim", userPassword)
	require.NoError(t, err)
	app, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: org.ID, Name: "orders-portal", ClientSecret: appSecret,
		GrantTypes: []string{"client_credentials", "password"}, Template: asgardeotest.TemplateM2M,
	})
	require.NoError(t, err)
	issued, err := srv.IssueToken(org.ID, "internal_org_application_mgt_view")
	require.NoError(t, err)

	var logs syncBuffer
	wire := &wireSecrets{next: http.DefaultTransport.(*http.Transport).Clone(), seen: map[string]bool{}}
	t.Cleanup(wire.next.(*http.Transport).CloseIdleConnections)
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	common := []asgardeo.Option{asgardeo.WithLogger(logger), asgardeo.WithHTTPClient(&http.Client{Transport: wire}), asgardeo.WithRetry(3, time.Millisecond)}

	good := srv.Client(common...)
	bad := srv.Client(append(common, asgardeo.WithCredentials(srv.Admin().ClientID, wrongSecret))...)
	static := srv.Client(append(common, asgardeo.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: staticToken})))...)
	failing := srv.Client(append(common, asgardeo.WithTokenSource(failingTokenSource{}))...)
	for _, c := range []*asgardeo.Client{good, bad, static, failing} {
		t.Cleanup(c.Close)
	}
	orgOf := func(c *asgardeo.Client) *asgardeo.Org {
		o, err := c.Org(org.ID)
		require.NoError(t, err)
		return o
	}
	ctx := context.Background()
	var errs []error
	record := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	// Success: the root token, the organization switch, a management call.
	o := orgOf(good)
	_, err = o.CallForTest(ctx, http.MethodGet, []string{"applications"}, nil, nil)
	record(err)
	// Retries: injected 500s on the token endpoint (retried) and a 503 on a
	// management call.
	srv.InjectFault(asgardeotest.Fault{Path: "/oauth2/token", Status: 500, Body: `{"error":"server_error"}`, Times: 2})
	_, err = orgOf(good).CallForTest(ctx, http.MethodGet, []string{"no-such-api"}, nil, nil)
	record(err)
	srv.InjectFault(asgardeotest.Fault{Path: "/o/api/server/v1/*", Status: 503, Times: 3})
	_, err = o.CallForTest(ctx, http.MethodGet, []string{"applications"}, nil, nil)
	record(err)
	// A POST dropped after processing, and a management token refused.
	srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: "/o/api/server/v1/*", DropAfter: true})
	_, err = o.CallForTest(ctx, http.MethodPost, []string{"applications"}, map[string]any{"name": "x", "clientSecret": appSecret}, nil)
	record(err)
	// Wrong client secret: 401 invalid_client.
	_, err = orgOf(bad).CallForTest(ctx, http.MethodGet, []string{"applications"}, nil, nil)
	require.ErrorIs(t, err, asgardeo.ErrInvalidClient)
	record(err)
	// A token the fake does not know: 401 at the gateway.
	_, err = orgOf(static).CallForTest(ctx, http.MethodGet, []string{"applications"}, nil, nil)
	require.ErrorIs(t, err, asgardeo.ErrUnauthorized)
	record(err)
	// A failing token source: nothing sent.
	_, err = orgOf(failing).CallForTest(ctx, http.MethodGet, []string{"applications"}, nil, nil)
	require.Error(t, err)
	record(err)
	// Secrets in a query string, and form posts with a password and a token.
	_, err = good.DoForTest(ctx, http.MethodGet, srv.TenantURL()+"/o/api/server/v1/applications?access_token="+queryToken+"&code="+queryToken, nil, nil)
	record(err)
	_, _, err = good.PostFormForTest(ctx, srv.TenantURL()+"/o/"+org.ID+"/oauth2/token",
		url.Values{"grant_type": {"password"}, "username": {"kim"}, "password": {userPassword}, "scope": {"openid"}}, app.ClientID, appSecret, transport.Once)
	record(err)
	_, _, err = good.PostFormForTest(ctx, srv.TenantURL()+"/o/"+org.ID+"/oauth2/token",
		url.Values{"grant_type": {"password"}, "username": {"kim"}, "password": {userPassword}}, app.ClientID, wrongSecret, transport.Once)
	require.ErrorIs(t, err, asgardeo.ErrInvalidClient)
	record(err)
	srv.InjectFault(asgardeotest.Fault{Path: "/oauth2/token", GrantType: "organization_switch", DropAfter: true, Times: 3})
	_, _, err = good.PostFormForTest(ctx, srv.TenantURL()+"/oauth2/token",
		url.Values{"grant_type": {"organization_switch"}, "token": {issued}, "switching_organization": {org.ID}}, srv.Admin().ClientID, srv.Admin().ClientSecret, transport.Repeatable)
	record(err)
	require.GreaterOrEqual(t, len(errs), 8)

	secrets := append(wire.list(), srv.Admin().ClientSecret, appSecret, wrongSecret, userPassword, staticToken, queryToken, issued)
	require.Greater(t, len(secrets), 10, "the wire carried the tokens of the calls above")

	var places []string
	add := func(what string, s string) { places = append(places, what+": "+s) }
	add("client log", logs.String())
	add("fake log", serverLog.String())
	for i, err := range errs {
		add(fmt.Sprintf("error %d", i), err.Error())
		add(fmt.Sprintf("error %d %%v", i), fmt.Sprintf("%v", err))
		add(fmt.Sprintf("error %d %%+v", i), fmt.Sprintf("%+v", err))
		add(fmt.Sprintf("error %d %%#v", i), fmt.Sprintf("%#v", err))
	}
	for _, c := range []*asgardeo.Client{good, bad, static, failing} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			add("client "+verb, fmt.Sprintf(verb, c))
			add("org "+verb, fmt.Sprintf(verb, orgOf(c)))
			add("org value "+verb, fmt.Sprintf(verb, *orgOf(c)))
			add("credentials "+verb, fmt.Sprintf(verb, c.CredentialsForTest()))
		}
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		add("option "+verb, fmt.Sprintf(verb, asgardeo.WithCredentials("id", appSecret)))
	}
	for _, e := range srv.Journal() {
		add("journal", fmt.Sprintf("%+v", e))
	}
	journalJSON, err := json.Marshal(srv.Journal())
	require.NoError(t, err)
	add("journal json", string(journalJSON))

	assert.Equal(t, "asgardeo.Client{root: bestcarmart, base: "+srv.URL+", auth: client "+srv.Admin().ClientID+" (secret REDACTED)}", fmt.Sprintf("%#v", good))
	assert.Equal(t, "asgardeo.Org{id: "+org.ID+", root: bestcarmart}", fmt.Sprintf("%+v", o))
	assert.Equal(t, "asgardeo.Client{root: bestcarmart, base: "+srv.URL+", auth: token source}", fmt.Sprint(static))
	require.Contains(t, logs.String(), `"level":"DEBUG"`, "the client logged at debug level")
	require.Contains(t, logs.String(), "retrying", "the client logged its retries")
	for _, s := range secrets {
		for _, p := range places {
			if strings.Contains(p, s) {
				t.Errorf("secret %.6s… leaked in %.200s", s, p)
			}
		}
	}
}
