package asgardeo

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileIDs are user-supplied IDs that would change the path or the query
// if they were joined into a URL unescaped.
var hostileIDs = []string{
	"..",
	".",
	"../",
	"../../scim2/Users",
	"a/../b",
	"%2F",
	"a%2Fb",
	"%2e%2e",
	"app?limit=1000",
	"app#fragment",
	"app id with spaces",
	"ünïcødé-应用",
	"app;jsessionid=1",
	"a\\b",
	"app&x=1",
	"+plus",
	"\x00nul",
}

func TestEscapeSegment(t *testing.T) {
	for _, id := range hostileIDs {
		esc := escapeSegment(id)
		for _, bad := range []string{"/", "?", "#", " ", "\\", "\x00"} {
			assert.NotContains(t, esc, bad, "escapeSegment(%q) = %q", id, esc)
		}
		assert.NotEqual(t, ".", esc)
		assert.NotEqual(t, "..", esc)
		for _, r := range esc {
			assert.Less(t, r, rune(0x80), "escapeSegment(%q) = %q keeps non-ASCII", id, esc)
		}
		back, err := url.PathUnescape(esc)
		require.NoError(t, err)
		assert.Equal(t, id, back, "escaping must be lossless")
	}
	assert.Equal(t, "%2E%2E", escapeSegment(".."))
	assert.Equal(t, "%2E", escapeSegment("."))
	assert.Equal(t, "a%2Fb", escapeSegment("a/b"))
	assert.Equal(t, "%252F", escapeSegment("%2F"))
	assert.Equal(t, "7e98b86f-63c7-41a1-8c56-c909a21a2615", escapeSegment("7e98b86f-63c7-41a1-8c56-c909a21a2615"))
}

func TestTenantURLKeepsHostileIDInOneSegment(t *testing.T) {
	c, err := New("bestcarmart", WithBaseURL("https://api.asgardeo.test/gw"))
	require.NoError(t, err)
	for _, id := range hostileIDs {
		raw := c.tenantURL("o", "api", "server", "v1", "applications", escapeSegment(id), "inbound-protocols", "oidc")
		u, err := url.Parse(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, "api.asgardeo.test", u.Host)
		assert.Empty(t, u.RawQuery, "%q leaked into the query: %s", id, raw)
		assert.Empty(t, u.Fragment, "%q made a fragment: %s", id, raw)
		segs := strings.Split(u.EscapedPath(), "/")
		require.Len(t, segs, 12, "%q changed the number of path segments: %s", id, raw)
		assert.Equal(t, []string{"", "gw", "t", "bestcarmart", "o", "api", "server", "v1", "applications"}, segs[:9])
		assert.Equal(t, []string{"inbound-protocols", "oidc"}, segs[10:])
		got, err := url.PathUnescape(segs[9])
		require.NoError(t, err)
		assert.Equal(t, id, got)
	}
}

// TestHostileIDOnTheWire sends a request for each hostile ID through the
// one request path and checks what the server received: the same path
// segments and query, the ID intact in its own segment.
func TestHostileIDOnTheWire(t *testing.T) {
	type seen struct{ escapedPath, rawQuery, path string }
	var mu sync.Mutex
	var got []seen
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, seen{r.URL.EscapedPath(), r.URL.RawQuery, r.URL.Path})
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	c := newTestClient(t, srv.URL)
	o, err := c.Org(testOrgID)
	require.NoError(t, err)
	for _, id := range hostileIDs {
		mu.Lock()
		got = nil
		mu.Unlock()
		u := o.mgmtURL("applications", escapeSegment(id), "authorized-apis")
		_, err := c.do(context.Background(), apiRequest{method: http.MethodGet, url: u, query: url.Values{"limit": {"10"}}}, nil)
		require.NoError(t, err, "%q", id)
		mu.Lock()
		require.Len(t, got, 1)
		s := got[0]
		mu.Unlock()
		assert.Equal(t, "limit=10", s.rawQuery, "%q changed the query", id)
		segs := strings.Split(s.escapedPath, "/")
		require.Len(t, segs, 10, "%q changed the path: %s", id, s.escapedPath)
		assert.Equal(t, []string{"", "t", "bestcarmart", "o", "api", "server", "v1", "applications"}, segs[:8])
		assert.Equal(t, "authorized-apis", segs[9])
		unesc, err := url.PathUnescape(segs[8])
		require.NoError(t, err)
		assert.Equal(t, id, unesc, "the server must see the ID intact")
		assert.True(t, strings.HasPrefix(s.path, "/t/bestcarmart/o/api/server/v1/applications/"), s.path)
	}
}
