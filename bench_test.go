package asgardeo_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// benchWorld is a fake with one organization, one M2M application in it and
// a management token for that organization. The SDK and the bare requests
// of the overhead benchmarks use the same token and the same credentials, so
// the fake does the same work for both and only the client side differs.
type benchWorld struct {
	srv    *asgardeotest.Server
	org    *asgardeo.Org
	app    asgardeotest.Application
	bearer string // management token of the organization
	access string // a client-credentials token of app, to introspect
	hc     *http.Client
}

func newBenchWorld(b *testing.B) *benchWorld {
	b.Helper()
	srv := asgardeotest.NewServer(b)
	o, err := srv.AddOrganizationWithID(tokOrgID, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	app, err := srv.AddApplication(asgardeotest.AppSpec{Organization: o.ID, Name: "bench-m2m", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		b.Fatal(err)
	}
	bearer, err := srv.IssueToken(o.ID, "internal_org_application_mgt_view")
	if err != nil {
		b.Fatal(err)
	}
	c := srv.Client(asgardeo.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: bearer, TokenType: "Bearer"})))
	b.Cleanup(c.Close)
	org, err := c.Org(o.ID)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := org.Tokens().ForApp(app.ClientID, app.ClientSecret).ClientCredentials().Token()
	if err != nil {
		b.Fatal(err)
	}
	return &benchWorld{srv: srv, org: org, app: app, bearer: bearer, access: tok.AccessToken, hc: srv.HTTPClient()}
}

// BenchmarkApplicationsGetSDK is Applications().Get through the SDK.
func BenchmarkApplicationsGetSDK(b *testing.B) {
	w := newBenchWorld(b)
	ctx := context.Background()
	apps := w.org.Applications()
	b.ReportAllocs()
	for b.Loop() {
		a, err := apps.Get(ctx, w.app.ID)
		if err != nil || a.ID != w.app.ID {
			b.Fatal(a, err)
		}
	}
}

// BenchmarkApplicationsGetBare is the same request with http.Client and
// encoding/json: the floor the SDK is measured against.
func BenchmarkApplicationsGetBare(b *testing.B) {
	w := newBenchWorld(b)
	u := w.srv.TenantURL() + "/o/api/server/v1/applications/" + w.app.ID
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "Bearer "+w.bearer)
		resp, err := w.hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var a asgardeo.Application
		err = json.NewDecoder(resp.Body).Decode(&a)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || a.ID != w.app.ID {
			b.Fatal(resp.StatusCode, err)
		}
	}
}

// BenchmarkIntrospectSDK is AppTokens.Introspect through the SDK.
func BenchmarkIntrospectSDK(b *testing.B) {
	w := newBenchWorld(b)
	ctx := context.Background()
	tokens := w.org.Tokens().ForApp(w.app.ClientID, w.app.ClientSecret)
	b.ReportAllocs()
	for b.Loop() {
		in, err := tokens.Introspect(ctx, w.access, asgardeo.AccessTokenHint)
		if err != nil || !in.Active {
			b.Fatal(in, err)
		}
	}
}

// BenchmarkIntrospectBare is the same introspection with http.Client and
// encoding/json.
func BenchmarkIntrospectBare(b *testing.B) {
	w := newBenchWorld(b)
	endpoint := w.org.Endpoints().Introspect
	body := url.Values{"token": {w.access}, "token_type_hint": {"access_token"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.SetBasicAuth(url.QueryEscape(w.app.ClientID), url.QueryEscape(w.app.ClientSecret))
		resp, err := w.hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var m map[string]any
		err = json.NewDecoder(resp.Body).Decode(&m)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || m["active"] != true {
			b.Fatal(resp.StatusCode, err)
		}
	}
}

// BenchmarkManagementCallsWithCredentials is the common setup: a client
// with root credentials, whose cached organization token serves every call.
func BenchmarkManagementCallsWithCredentials(b *testing.B) {
	srv := asgardeotest.NewServer(b)
	o, err := srv.AddOrganizationWithID(tokOrgID, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	app, err := srv.AddApplication(asgardeotest.AppSpec{Organization: o.ID, Name: "bench-m2m", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	b.Cleanup(c.Close)
	org, err := c.Org(o.ID)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := org.Applications().Get(ctx, app.ID); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if n := srv.CountGrant("organization_switch"); n != 1 {
		b.Fatalf("organization_switch requests = %d, want 1", n)
	}
}
