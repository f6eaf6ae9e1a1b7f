package asgardeo_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
)

func TestNewRejectsBadOptions(t *testing.T) {
	cases := map[string][]asgardeo.Option{
		"nil option":                {nil},
		"nil http client":           {asgardeo.WithHTTPClient(nil)},
		"nil logger":                {asgardeo.WithLogger(nil)},
		"nil token source":          {asgardeo.WithTokenSource(nil)},
		"nil clock":                 {asgardeo.WithClock(nil)},
		"negative timeout":          {asgardeo.WithTimeout(-time.Second)},
		"negative retry wait":       {asgardeo.WithRetry(3, -time.Millisecond)},
		"zero attempts":             {asgardeo.WithRetry(0, time.Second)},
		"negative attempts":         {asgardeo.WithRetry(-1, time.Second)},
		"negative expiry margin":    {asgardeo.WithExpiryMargin(-time.Second)},
		"user agent with CR":        {asgardeo.WithUserAgent("app/1\rX-Evil: 1")},
		"user agent with LF":        {asgardeo.WithUserAgent("app/1\nX-Evil: 1")},
		"user agent with NUL":       {asgardeo.WithUserAgent("app/1\x00")},
		"empty client ID":           {asgardeo.WithCredentials("", "secret")},
		"blank client ID":           {asgardeo.WithCredentials("  ", "secret")},
		"empty client secret":       {asgardeo.WithCredentials("id", "")},
		"base URL without host":     {asgardeo.WithBaseURL("https://")},
		"base URL without scheme":   {asgardeo.WithBaseURL("api.asgardeo.io")},
		"base URL ftp":              {asgardeo.WithBaseURL("ftp://api.asgardeo.io")},
		"base URL plain http":       {asgardeo.WithBaseURL("http://api.asgardeo.io")},
		"base URL plain http on IP": {asgardeo.WithBaseURL("http://10.0.0.8:9443")},
		"base URL with user info":   {asgardeo.WithBaseURL("https://admin:pw@api.asgardeo.io")},
		"base URL with query":       {asgardeo.WithBaseURL("https://api.asgardeo.io?tenant=x")},
		"base URL with fragment":    {asgardeo.WithBaseURL("https://api.asgardeo.io#x")},
		"base URL unparseable":      {asgardeo.WithBaseURL("https://api.asgardeo.io:port")},
		"base URL empty":            {asgardeo.WithBaseURL("")},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := asgardeo.New("bestcarmart", opts...)
			require.Error(t, err)
			assert.Nil(t, c)
		})
	}
}

func TestNewRejectsBadRootOrganization(t *testing.T) {
	for _, root := range []string{"", "a/b", "a?b", "a#b", "a%2Fb", "a b", "a\nb"} {
		_, err := asgardeo.New(root)
		require.ErrorIs(t, err, asgardeo.ErrInvalidInput, "%q", root)
	}
}

func TestNewAcceptsGoodOptions(t *testing.T) {
	for _, base := range []string{
		"https://api.asgardeo.io",
		"https://api.asgardeo.io/",
		"https://gateway.example.com/asgardeo",
		"http://127.0.0.1:8080",
		"http://127.0.0.2",
		"http://[::1]:9443",
		"http://localhost:9443",
		"http://LOCALHOST",
	} {
		c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(base))
		require.NoError(t, err, base)
		assert.Equal(t, strings.TrimSuffix(base, "/"), c.BaseURL())
		c.Close()
	}
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL("http://asgardeo.internal:9443"), asgardeo.WithInsecurePlainHTTP())
	require.NoError(t, err, "plain http on a non-loopback host with WithInsecurePlainHTTP")
	assert.Equal(t, "http://asgardeo.internal:9443", c.BaseURL())

	c, err = asgardeo.New("bestcarmart")
	require.NoError(t, err)
	assert.Equal(t, asgardeo.DefaultBaseURL, c.BaseURL())

	_, err = asgardeo.New("bestcarmart",
		asgardeo.WithHTTPClient(&http.Client{}),
		asgardeo.WithLogger(slog.New(slog.DiscardHandler)),
		asgardeo.WithCredentials("id", "secret", "internal_org_application_mgt_view"),
		asgardeo.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})),
		asgardeo.WithRetry(1, 0),
		asgardeo.WithoutRetry(),
		asgardeo.WithTimeout(0),
		asgardeo.WithTimeout(time.Minute),
		asgardeo.WithExpiryMargin(0),
		asgardeo.WithUserAgent("inventory-sync/1.0 (+https://example.com)"),
		asgardeo.WithClock(time.Now),
	)
	require.NoError(t, err)
}

// TestWithHTTPClientCopies: the client keeps its own copy of the given
// *http.Client: later changes by the caller do not reach it, and the
// client's settings (no redirects) do not change the caller's value.
func TestWithHTTPClientCopies(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, "https://api.asgardeo.test/ping", httpmock.NewStringResponder(200, `{}`))
	hc := &http.Client{Transport: mock}
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL("https://api.asgardeo.test"), asgardeo.WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect, "New must not change the caller's client")

	hc.Transport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("the caller's later transport must not be used")
	})
	_, err = c.DoForTest(context.Background(), http.MethodGet, "https://api.asgardeo.test/ping", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
