package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Failures a request can meet before or after it reached the server.
var (
	errDial    = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	errRefused = fmt.Errorf("connect: %w", syscall.ECONNREFUSED)
	errDNS     = &net.DNSError{Err: "no such host", Name: "api.asgardeo.test", IsNotFound: true}
	errReset   = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	errEOF     = &url.Error{Op: "Post", URL: "https://api.asgardeo.test/t/x/oauth2/token", Err: io.ErrUnexpectedEOF}
)

func response(status int, header ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h}
}

func TestShouldRetry(t *testing.T) {
	type outcome struct {
		name string
		resp *http.Response
		err  error
	}
	outcomes := []outcome{
		{"dial error", nil, errDial},
		{"connection refused", nil, errRefused},
		{"dns error", nil, errDNS},
		{"reset after sending", nil, errReset},
		{"unexpected EOF", nil, errEOF},
		{"200", response(200), nil},
		{"400", response(400), nil},
		{"401", response(401), nil},
		{"404", response(404), nil},
		{"409", response(409), nil},
		{"429", response(429), nil},
		{"500", response(500), nil},
		{"501", response(501), nil},
		{"502", response(502), nil},
		{"503", response(503), nil},
		{"503 with Retry-After", response(503, "Retry-After", "1"), nil},
		{"504", response(504), nil},
	}
	// want lists, per class, the outcomes that are retried; every other
	// outcome must not be.
	want := map[Class][]string{
		Idempotent: {"dial error", "connection refused", "dns error", "reset after sending", "unexpected EOF",
			"429", "502", "503", "503 with Retry-After", "504"},
		Unsafe: {"dial error", "connection refused", "dns error", "429", "503 with Retry-After"},
		Repeatable: {"dial error", "connection refused", "dns error", "reset after sending", "unexpected EOF",
			"429", "500", "502", "503", "503 with Retry-After", "504"},
		Once: {"dial error", "connection refused", "dns error"},
	}
	for class, retried := range want {
		for _, o := range outcomes {
			t.Run(class.String()+"/"+o.name, func(t *testing.T) {
				got := ShouldRetry(context.Background(), class, o.resp, o.err)
				assert.Equal(t, contains(retried, o.name), got)
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestShouldRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []Class{Idempotent, Unsafe, Repeatable, Once} {
		assert.False(t, ShouldRetry(ctx, c, nil, errDial), "%v with a cancelled context", c)
		assert.False(t, ShouldRetry(ctx, c, response(503, "Retry-After", "1"), nil), "%v with a cancelled context", c)
	}
	// The context error itself is never retried.
	assert.False(t, ShouldRetry(context.Background(), Idempotent, nil, context.Canceled))
	assert.False(t, ShouldRetry(context.Background(), Repeatable, nil, fmt.Errorf("x: %w", context.DeadlineExceeded)))
	// No response and no error: nothing to judge.
	assert.False(t, ShouldRetry(context.Background(), Idempotent, nil, nil))
}

func TestClassOf(t *testing.T) {
	ctx := context.Background()
	for _, m := range []string{"GET", "HEAD", "PUT", "DELETE", "OPTIONS"} {
		assert.Equal(t, Idempotent, ClassOf(ctx, m), m)
	}
	for _, m := range []string{"POST", "PATCH", ""} {
		assert.Equal(t, Unsafe, ClassOf(ctx, m), m)
	}
	assert.Equal(t, Once, ClassOf(WithClass(ctx, Once), "GET"), "a recorded class wins over the method")
	assert.Equal(t, Repeatable, ClassOf(WithClass(ctx, Repeatable), "POST"))
	assert.Equal(t, "class(9)", Class(9).String())
}

func TestIsDialError(t *testing.T) {
	assert.True(t, IsDialError(errDial))
	assert.True(t, IsDialError(&url.Error{Op: "Get", URL: "https://x", Err: errDial}))
	assert.True(t, IsDialError(errRefused))
	assert.True(t, IsDialError(errDNS))
	assert.False(t, IsDialError(errReset))
	assert.False(t, IsDialError(errEOF))
	assert.False(t, IsDialError(errors.New("boom")))
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-3", 0},
		{"soon", 0},
		{"1.5", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, ParseRetryAfter(c.in, now), "ParseRetryAfter(%q)", c.in)
	}
}

func TestBackoff(t *testing.T) {
	minW, maxW := 10*time.Millisecond, 80*time.Millisecond

	// Retry-After is honoured, and capped by the maximum wait.
	assert.Equal(t, 2*time.Second, Backoff(time.Millisecond, time.Minute, 0, response(429, "Retry-After", "2")))
	assert.Equal(t, maxW, Backoff(minW, maxW, 0, response(503, "Retry-After", "3600")))
	date := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	assert.Equal(t, maxW, Backoff(minW, maxW, 0, response(503, "Retry-After", date)), "HTTP-date form")
	inAMinute := time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)
	got := Backoff(time.Millisecond, time.Hour, 0, response(503, "Retry-After", inAMinute))
	assert.True(t, got > 50*time.Second && got <= time.Minute, "HTTP-date a minute ahead gave %v", got)

	// Without Retry-After: exponential with jitter, between min and max.
	for attempt := 0; attempt < 10; attempt++ {
		for i := 0; i < 50; i++ {
			d := Backoff(minW, maxW, attempt, response(503))
			require.GreaterOrEqual(t, d, minW, "attempt %d", attempt)
			require.LessOrEqual(t, d, maxW, "attempt %d", attempt)
			if attempt == 0 {
				require.Equal(t, minW, d, "the first wait is the minimum")
			}
		}
	}
	assert.Equal(t, time.Duration(0), Backoff(0, 0, 3, nil), "no wait configured")
	assert.Equal(t, time.Duration(0), Backoff(0, 0, 0, response(429, "Retry-After", "5")), "max 0 caps Retry-After")
	assert.Equal(t, time.Duration(0), Backoff(0, time.Second, 0, nil))
}

func TestRedaction(t *testing.T) {
	for _, k := range []string{"client_secret", "password", "code", "code_verifier", "refresh_token",
		"access_token", "token", "id_token", "assertion", "subject_token", "state", "nonce", "Client_Secret"} {
		assert.True(t, IsSecretParam(k), k)
	}
	for _, k := range []string{"grant_type", "scope", "client_id", "switching_organization", "username"} {
		assert.False(t, IsSecretParam(k), k)
	}

	form := url.Values{"grant_type": {"password"}, "password": {"hunter2"}, "token": {"tok-123"}, "scope": {"a b"}}
	red := RedactForm(form)
	assert.Equal(t, url.Values{"grant_type": {"password"}, "password": {"REDACTED"}, "token": {"REDACTED"}, "scope": {"a b"}}, red)
	assert.Equal(t, "hunter2", form.Get("password"), "RedactForm must not change its input")

	u, err := url.Parse("https://admin:pa55@api.asgardeo.test/t/x/oauth2/authorize?code=c0de&state=s7&client_id=abc#frag")
	require.NoError(t, err)
	got := RedactURL(u)
	for _, secret := range []string{"pa55", "admin", "c0de", "s7", "frag"} {
		assert.NotContains(t, got, secret)
	}
	assert.Contains(t, got, "client_id=abc")
	assert.Contains(t, got, "/t/x/oauth2/authorize")
	assert.Equal(t, "https://admin:pa55@api.asgardeo.test/t/x/oauth2/authorize?code=c0de&state=s7&client_id=abc#frag", u.String(), "RedactURL must not change its input")
	assert.Equal(t, "", RedactURL(nil))

	ue := &url.Error{Op: "Get", URL: "https://api.asgardeo.test/x?access_token=t0k", Err: errReset}
	assert.NotContains(t, RedactError(ue), "t0k")
	assert.Contains(t, RedactError(ue), "connection reset")
	assert.Equal(t, "plain", RedactError(errors.New("plain")))
}

func TestReadLimited(t *testing.T) {
	b, tooBig, err := ReadLimited(strings.NewReader("12345"), 5)
	require.NoError(t, err)
	assert.False(t, tooBig)
	assert.Equal(t, "12345", string(b))

	b, tooBig, err = ReadLimited(strings.NewReader("123456"), 5)
	require.NoError(t, err)
	assert.True(t, tooBig)
	assert.Equal(t, "12345", string(b))

	// An endless body is cut at the limit.
	b, tooBig, err = ReadLimited(endless{}, 1<<10)
	require.NoError(t, err)
	assert.True(t, tooBig)
	assert.Len(t, b, 1<<10)
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestNewRetriesAndReturnsLastResponse drives the retrying client against a
// server that keeps answering 503: the client tries MaxAttempts times and
// hands back the last response, whose body is still readable.
func TestNewRetriesAndReturnsLastResponse(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"code":"SE-50000"}`)
	}))
	defer srv.Close()
	hc := DefaultHTTPClient()
	defer hc.CloseIdleConnections()
	rc := New(hc, Policy{MaxAttempts: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond}, nil)

	req, err := retryablehttp.NewRequestWithContext(WithClass(context.Background(), Idempotent), http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := rc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, `{"code":"SE-50000"}`, string(body))
	assert.Equal(t, int32(3), hits.Load())

	// The same answer to a POST without Retry-After is not retried.
	hits.Store(0)
	req, err = retryablehttp.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, []byte("x=1"))
	require.NoError(t, err)
	resp, err = rc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, int32(1), hits.Load())
}

// TestNewClosesResponseWhenContextEnds: when the context ends after a
// response arrived, the error is returned and the response closed rather
// than handed back next to the error (where callers would leak it).
func TestNewClosesResponseWhenContextEnds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var body *trackedBody
	inner := DefaultHTTPClient()
	defer inner.CloseIdleConnections()
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := inner.Transport.RoundTrip(r)
		if err == nil {
			body = &trackedBody{ReadCloser: resp.Body}
			resp.Body = body
		}
		cancel() // the caller gives up just as the answer arrives
		return resp, err
	})}
	rc := New(hc, Policy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}, nil)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := rc.Do(req)
	assert.Nil(t, resp)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, body)
	assert.True(t, body.closed.Load(), "the dropped response must be closed")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type trackedBody struct {
	io.ReadCloser
	closed atomic.Bool
}

func (b *trackedBody) Close() error {
	b.closed.Store(true)
	return b.ReadCloser.Close()
}

func TestNoRedirect(t *testing.T) {
	var target atomic.Int32
	dst := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { target.Add(1) }))
	defer dst.Close()
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, dst.URL, http.StatusFound)
	}))
	defer src.Close()
	hc := DefaultHTTPClient()
	defer hc.CloseIdleConnections()
	resp, err := hc.Get(src.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, int32(0), target.Load(), "a redirect must not be followed")
}

// TestNewToleratesResponseWithoutRequest: a custom RoundTripper may return
// a response whose Request is nil; the retry decision and its log line must
// cope.
func TestNewToleratesResponseWithoutRequest(t *testing.T) {
	var calls atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return &http.Response{StatusCode: 503, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("busy"))}, nil
	})}
	rc := New(hc, Policy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond}, slog.New(slog.DiscardHandler))
	req, err := retryablehttp.NewRequestWithContext(WithClass(context.Background(), Idempotent), http.MethodGet, "https://api.asgardeo.test/x", nil)
	require.NoError(t, err)
	resp, err := rc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, int32(2), calls.Load())
}
