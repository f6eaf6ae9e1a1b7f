package asgardeo

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultBaseURL is the Asgardeo cloud.
const DefaultBaseURL = "https://api.asgardeo.io"

// DefaultExpiryMargin is how long before its expiry a cached token is
// fetched anew, so that it does not expire in flight.
const DefaultExpiryMargin = 30 * time.Second

// Option configures a [Client]. Options are validated by [New]: a bad value
// is an error from New, never a failure later.
type Option func(*options) error

type options struct {
	baseURL      string
	insecureHTTP bool
	httpClient   *http.Client
	rootCreds    *credentials
	tokenSource  oauth2.TokenSource
	retry        retrySettings
	logger       *slog.Logger
	uaSuffix     string
	timeout      time.Duration
	now          func() time.Time
	expiryMargin time.Duration
}

type retrySettings struct {
	attempts int
	maxWait  time.Duration
	minWait  time.Duration
}

// credentials of an OAuth2 client. The secret is never printed.
type credentials struct {
	id     string
	secret secret
	scopes []string
}

// Format prints the credentials with the secret masked, whatever the verb.
// (fmt does not call the secret's own methods on an unexported field.)
func (c credentials) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "{id: %s, secret: REDACTED, scopes: %v}", c.id, c.scopes)
}

// secret is a string that prints as "REDACTED" in every fmt verb.
type secret string

func (secret) String() string                 { return "REDACTED" }
func (secret) GoString() string               { return `"REDACTED"` }
func (secret) Format(f fmt.State, verb rune)  { _, _ = f.Write([]byte("REDACTED")) }
func (s secret) MarshalText() ([]byte, error) { return []byte("REDACTED"), nil }
func (s secret) reveal() string               { return string(s) }

// WithBaseURL sets the Asgardeo base URL, default [DefaultBaseURL]. It must be
// https, or http on a loopback host (127.0.0.0/8, ::1, localhost) unless
// [WithInsecurePlainHTTP] is given. Any path is kept as a prefix.
func WithBaseURL(raw string) Option {
	return func(o *options) error {
		o.baseURL = raw
		return nil
	}
}

// WithInsecurePlainHTTP allows an http:// base URL on a non-loopback host.
// Credentials and tokens then travel unencrypted: use it only on a network
// you control, never in production.
func WithInsecurePlainHTTP() Option {
	return func(o *options) error {
		o.insecureHTTP = true
		return nil
	}
}

// WithHTTPClient sets the HTTP client whose transport carries every request.
// The client is copied; redirects are never followed. TLS 1.2 is the least
// version used: an *http.Transport (or a nil Transport, which stands for
// http.DefaultTransport) that allows less is cloned with that minimum.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return errors.New("asgardeo: WithHTTPClient: nil *http.Client")
		}
		c := *hc
		o.httpClient = &c
		return nil
	}
}

// WithCredentials sets the client ID and secret of a root-organization
// application that is shared with the organizations to manage and has the
// client_credentials and organization_switch grants. Management calls then
// use its client-credentials token switched to the organization. scopes are
// the internal_org_* scopes to ask for; with none, [ManagementScopes] is used.
func WithCredentials(clientID, clientSecret string, scopes ...string) Option {
	return func(o *options) error {
		if strings.TrimSpace(clientID) == "" || clientSecret == "" {
			return errors.New("asgardeo: WithCredentials: empty client ID or secret")
		}
		if len(scopes) == 0 {
			scopes = ManagementScopes
		}
		o.rootCreds = &credentials{id: clientID, secret: secret(clientSecret), scopes: append([]string(nil), scopes...)}
		return nil
	}
}

// WithTokenSource makes management calls use ts as it is, for every
// organization: its tokens must already be bound to the organization (for
// example, from an organization application with internal_org_* scopes, or
// from [AppTokens.OrganizationSwitch]). It takes precedence over
// [WithCredentials].
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(o *options) error {
		if ts == nil {
			return errors.New("asgardeo: WithTokenSource: nil token source")
		}
		o.tokenSource = ts
		return nil
	}
}

// WithRetry sets the retry policy: at most attempts tries in all (1 means no
// retry) and at most maxWait between two tries, which also caps a server's
// Retry-After.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) error {
		if attempts < 1 {
			return fmt.Errorf("asgardeo: WithRetry: attempts %d < 1", attempts)
		}
		if maxWait < 0 {
			return fmt.Errorf("asgardeo: WithRetry: negative maxWait %v", maxWait)
		}
		o.retry = retrySettings{attempts: attempts, maxWait: maxWait, minWait: min(o.retry.minWait, maxWait)}
		return nil
	}
}

// WithoutRetry turns retries off: every request is tried once.
func WithoutRetry() Option {
	return func(o *options) error {
		o.retry.attempts = 1
		return nil
	}
}

// WithLogger sets the logger for request and retry lines (debug level).
// Secrets are never logged. The default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("asgardeo: WithLogger: nil logger")
		}
		o.logger = l
		return nil
	}
}

// WithUserAgent appends suffix to the User-Agent header. A suffix with a
// control character (such as a line break) is an error.
func WithUserAgent(suffix string) Option {
	return func(o *options) error {
		if strings.ContainsFunc(suffix, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			return errors.New("asgardeo: WithUserAgent: suffix contains a control character")
		}
		o.uaSuffix = strings.TrimSpace(suffix)
		return nil
	}
}

// WithTimeout bounds each call, retries included. Zero means no bound other
// than the caller's context.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("asgardeo: WithTimeout: negative timeout %v", d)
		}
		o.timeout = d
		return nil
	}
}

// WithExpiryMargin sets how long before expiry cached tokens are renewed,
// default [DefaultExpiryMargin].
func WithExpiryMargin(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("asgardeo: WithExpiryMargin: negative margin %v", d)
		}
		o.expiryMargin = d
		return nil
	}
}

// WithClock sets the clock the client uses to judge token expiry. Tests use
// it to share a fake server's clock; the default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("asgardeo: WithClock: nil clock")
		}
		o.now = now
		return nil
	}
}

// parseBaseURL validates the base URL against the HTTPS rule.
func parseBaseURL(raw string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// Not err itself: it quotes the whole URL, userinfo included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("asgardeo: base URL is not a URL: %w", err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("asgardeo: base URL %q: want scheme://host[/path] without user, query or fragment", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecure && !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("asgardeo: base URL %q: plain http is allowed only on loopback hosts (see WithInsecurePlainHTTP)", raw)
		}
	default:
		return nil, fmt.Errorf("asgardeo: base URL %q: scheme must be https", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
