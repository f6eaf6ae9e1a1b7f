// Package transport holds the SDK's HTTP plumbing: the retry policy that knows
// which requests are safe to repeat, backoff with jitter and Retry-After, and
// the redaction of secrets from URLs and forms.
package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Class says how safe a request is to send again.
type Class int

const (
	// Idempotent requests (GET, PUT, DELETE) are retried on network errors,
	// 429, 502, 503 and 504.
	Idempotent Class = iota
	// Unsafe requests (POST, PATCH that may create or change something) are
	// retried only when they certainly were not processed: dial errors, 429,
	// and 503 with Retry-After.
	Unsafe
	// Repeatable requests are POSTs whose repetition only mints another token
	// (client credentials, password, organization switch, introspection,
	// revocation): retried on network errors, 429 and 5xx.
	Repeatable
	// Once requests must never reach the server twice (authorization-code
	// exchange, refresh): retried only on dial errors.
	Once
)

func (c Class) String() string {
	switch c {
	case Idempotent:
		return "idempotent"
	case Unsafe:
		return "unsafe"
	case Repeatable:
		return "repeatable"
	case Once:
		return "once"
	}
	return "class(" + strconv.Itoa(int(c)) + ")"
}

type classKey struct{}

// WithClass records the retry class of the requests made with ctx.
func WithClass(ctx context.Context, c Class) context.Context {
	return context.WithValue(ctx, classKey{}, c)
}

// ClassOf returns the class recorded in ctx, or the class implied by method.
func ClassOf(ctx context.Context, method string) Class {
	if c, ok := ctx.Value(classKey{}).(Class); ok {
		return c
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return Idempotent
	}
	return Unsafe
}

// Policy is the retry policy.
type Policy struct {
	// MaxAttempts is the total number of tries, at least 1.
	MaxAttempts int
	// MinWait and MaxWait bound the backoff between tries; MaxWait also caps
	// a server's Retry-After.
	MinWait, MaxWait time.Duration
}

// DefaultPolicy is used when the client is not given one.
var DefaultPolicy = Policy{MaxAttempts: 4, MinWait: 200 * time.Millisecond, MaxWait: 5 * time.Second}

// ShouldRetry is the retry decision for one attempt of a request of class c.
// It returns false once ctx is done.
func ShouldRetry(ctx context.Context, c Class, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return false
		}
		if IsDialError(err) {
			return true
		}
		// The request may have reached the server.
		return c == Idempotent || c == Repeatable
	}
	if resp == nil {
		return false
	}
	switch c {
	case Idempotent:
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
	case Repeatable:
		return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented
	case Unsafe:
		return resp.StatusCode == http.StatusTooManyRequests ||
			resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != ""
	}
	return false
}

// IsDialError reports whether err happened before any byte of the request
// could reach the server: a failed dial or a refused connection.
func IsDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// Backoff returns the wait before try attempt+1: the server's Retry-After,
// capped by max, or exponential backoff with full jitter between min and max.
func Backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if ra := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ra > 0 {
			return min2(ra, max)
		}
	}
	if max <= 0 {
		return 0
	}
	ceiling := min
	for i := 0; i < attempt && ceiling < max; i++ {
		ceiling *= 2
	}
	ceiling = min2(ceiling, max)
	if ceiling <= min {
		return min
	}
	return min + rand.N(ceiling-min)
}

func min2(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// ParseRetryAfter reads a Retry-After header in delta-seconds or HTTP-date form.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 32); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// New builds the retrying client around base. logger receives one debug line
// per retry, never a secret.
func New(base *http.Client, p Policy, logger *slog.Logger) *retryablehttp.Client {
	rc := &retryablehttp.Client{
		HTTPClient:   base,
		Logger:       nil,
		RetryWaitMin: p.MinWait,
		RetryWaitMax: p.MaxWait,
		RetryMax:     max(p.MaxAttempts-1, 0),
		Backoff:      Backoff,
		ErrorHandler: passLastResponse,
	}
	rc.CheckRetry = func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		method := ""
		if resp != nil && resp.Request != nil {
			method = resp.Request.Method
		}
		c := ClassOf(ctx, method)
		retry := ShouldRetry(ctx, c, resp, err)
		if retry && logger != nil {
			attrs := []any{"class", c.String()}
			if resp != nil {
				attrs = append(attrs, "status", resp.StatusCode)
				if resp.Request != nil {
					attrs = append(attrs, "url", RedactURL(resp.Request.URL))
				}
			}
			if err != nil {
				attrs = append(attrs, "error", RedactError(err))
			}
			logger.LogAttrs(ctx, slog.LevelDebug, "asgardeo: retrying request", slog.Group("retry", attrs...))
		}
		return retry, nil
	}
	return rc
}

// passLastResponse returns the last response as it is when the retries ran
// out, so that its body can be decoded into a typed error. With an error
// (the context ended after a response arrived) the response is closed, not
// returned: callers drop a response that comes with an error, and its
// connection would leak.
func passLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil && resp != nil {
		_ = resp.Body.Close()
		return nil, err
	}
	return resp, err
}

// Client returns an *http.Client whose transport retries through rc.
func Client(rc *retryablehttp.Client) *http.Client {
	return &http.Client{
		Transport:     &retryablehttp.RoundTripper{Client: rc},
		CheckRedirect: NoRedirect,
	}
}

// NoRedirect refuses to follow redirects: no credential or form body is ever
// resent to a location the caller did not name.
func NoRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// DefaultHTTPClient is the base client when the user gives none: TLS 1.2 at
// least, bounded idle connections, no redirects.
func DefaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t, CheckRedirect: NoRedirect}
}

// RequireTLS12 returns rt with TLS 1.2 as its minimum version. A nil rt
// stands for http.DefaultTransport. An *http.Transport whose minimum is
// unset or lower is cloned, never changed in place; any other RoundTripper
// is returned as it is, its TLS being its own business.
func RequireTLS12(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	// Look at a clone: reading t's fields would race with another clone of
	// t, which sets up t's HTTP/2 defaults (and its TLS config) once.
	t = t.Clone()
	if t.TLSClientConfig != nil && t.TLSClientConfig.MinVersion >= tls.VersionTLS12 {
		return rt
	}
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.MinVersion = tls.VersionTLS12
	return t
}

// secretParams are query and form keys whose values are never shown.
var secretParams = map[string]bool{
	"client_secret": true, "password": true, "code": true, "code_verifier": true,
	"refresh_token": true, "access_token": true, "token": true, "id_token": true,
	"assertion": true, "subject_token": true, "state": true, "nonce": true,
}

// IsSecretParam reports whether a form or query key holds a secret.
func IsSecretParam(k string) bool { return secretParams[strings.ToLower(k)] }

// RedactURL renders u without userinfo and with secret query values masked.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment = ""
	if c.RawQuery != "" {
		c.RawQuery = RedactForm(c.Query()).Encode()
	}
	return c.String()
}

// RedactForm returns a copy of v with secret values replaced by "REDACTED".
func RedactForm(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		if IsSecretParam(k) {
			out[k] = []string{"REDACTED"}
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// RedactError renders err with any URL it carries redacted.
func RedactError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		u, perr := url.Parse(ue.URL)
		if perr == nil {
			return ue.Op + " " + RedactURL(u) + ": " + ue.Err.Error()
		}
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// ReadLimited reads at most limit bytes of r and reports whether r had more.
func ReadLimited(r io.Reader, limit int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b[:limit], true, err
	}
	return b, false, err
}
