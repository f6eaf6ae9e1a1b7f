// Package asgardeo is a client for Asgardeo organizations (B2B
// sub-organizations): it creates and edits OAuth2 applications inside an
// organization, authorizes them to the API resources the organization
// inherits, manages organization roles, and gets, introspects and revokes
// tokens for organization applications.
//
// A [Client] speaks for one root organization; [Client.Org] scopes it to one
// organization, whose services ([Org.Applications], [Org.APIResources],
// [Org.Roles], [Org.Tokens]) hold the calls. Management calls authenticate
// as the organization: the root application's client-credentials token is
// switched to the organization with the organization_switch grant, cached,
// and renewed shortly before it expires.
//
// The package asgardeotest holds an in-memory fake Asgardeo for tests.
package asgardeo

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
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// Version is the SDK version reported in the User-Agent.
const Version = "0.1.0"

// maxResponseBytes bounds every response body the SDK reads.
const maxResponseBytes = 4 << 20

// Client is an Asgardeo client for one root organization. It is safe for
// concurrent use. Create it with [New].
type Client struct {
	root      string
	base      *url.URL // scheme://host[/prefix], no trailing slash
	hc        *http.Client
	rc        *retryablehttp.Client
	logger    *slog.Logger
	userAgent string
	timeout   time.Duration
	now       func() time.Time
	margin    time.Duration

	rootCreds   *credentials
	tokenSource oauth2.TokenSource

	rootOnce   sync.Once
	rootSource *cachedSource // root client-credentials token, for org switching

	mu        sync.Mutex
	orgSource map[string]*cachedSource // organization-switched management tokens

	oauthOnce   sync.Once
	oauthClient *http.Client // x/oauth2's transport: retries and User-Agent
}

// New returns a client for the root organization rootOrg (its tenant handle,
// e.g. "bestcarmart").
func New(rootOrg string, opts ...Option) (*Client, error) {
	if rootOrg == "" || strings.ContainsAny(rootOrg, "/?#% \t\r\n") {
		return nil, invalidInput("root organization %q: want a tenant handle such as \"bestcarmart\"", rootOrg)
	}
	o := options{
		baseURL:      DefaultBaseURL,
		retry:        retrySettings{attempts: transport.DefaultPolicy.MaxAttempts, minWait: transport.DefaultPolicy.MinWait, maxWait: transport.DefaultPolicy.MaxWait},
		now:          time.Now,
		expiryMargin: DefaultExpiryMargin,
	}
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("asgardeo: nil Option")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	base, err := parseBaseURL(o.baseURL, o.insecureHTTP)
	if err != nil {
		return nil, err
	}
	hc := o.httpClient
	if hc == nil {
		hc = transport.DefaultHTTPClient()
	} else {
		hc.Transport = transport.RequireTLS12(hc.Transport)
	}
	hc.CheckRedirect = transport.NoRedirect
	logger := o.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ua := fmt.Sprintf("asgardeo-go/%s (%s)", Version, runtime.Version())
	if o.uaSuffix != "" {
		ua += " " + o.uaSuffix
	}
	rc := transport.New(hc, transport.Policy{MaxAttempts: o.retry.attempts, MinWait: o.retry.minWait, MaxWait: o.retry.maxWait}, logger)
	return &Client{
		root:        rootOrg,
		base:        base,
		hc:          hc,
		rc:          rc,
		logger:      logger,
		userAgent:   ua,
		timeout:     o.timeout,
		now:         o.now,
		margin:      o.expiryMargin,
		rootCreds:   o.rootCreds,
		tokenSource: o.tokenSource,
		orgSource:   map[string]*cachedSource{},
	}, nil
}

// RootOrganization returns the root organization's tenant handle.
func (c *Client) RootOrganization() string { return c.root }

// BaseURL returns the Asgardeo base URL the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// Close releases idle connections. The client starts no goroutine of its
// own, so nothing outlives it.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Format prints the client without its credentials or tokens, whatever the
// verb (%v, %+v, %#v, %s...), so that printing or logging a Client cannot
// leak a secret.
func (c *Client) Format(f fmt.State, _ rune) {
	if c == nil {
		_, _ = io.WriteString(f, "<nil>")
		return
	}
	auth := "none"
	switch {
	case c.tokenSource != nil:
		auth = "token source"
	case c.rootCreds != nil:
		auth = "client " + c.rootCreds.id + " (secret REDACTED)"
	}
	_, _ = fmt.Fprintf(f, "asgardeo.Client{root: %s, base: %s, auth: %s}", c.root, c.base, auth)
}

// tenantURL joins escaped path parts under /t/{root}.
func (c *Client) tenantURL(parts ...string) string {
	var b strings.Builder
	b.WriteString(c.base.String())
	b.WriteString("/t/")
	b.WriteString(escapeSegment(c.root))
	for _, p := range parts {
		b.WriteString("/")
		b.WriteString(p)
	}
	return b.String()
}

// escapeSegment escapes one path segment of user input so that it cannot
// change the path or query: slashes, "?", "#", "%" and non-ASCII are
// percent-encoded, and dot segments are encoded as well.
func escapeSegment(s string) string {
	switch s {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return url.PathEscape(s)
}

// apiRequest is one JSON call of the management APIs.
type apiRequest struct {
	method string
	url    string
	query  url.Values
	body   any // encoded as JSON when non-nil
	kind   apiKind
	auth   tokenGetter
	// expect lists the accepted success statuses; empty means any 2xx.
	expect []int
}

// apiResponse is what a successful call leaves besides its decoded body.
type apiResponse struct {
	StatusCode int
	Header     http.Header
}

// tokenGetter yields the bearer token for a request.
type tokenGetter interface {
	token(ctx context.Context) (*oauth2.Token, error)
}

// do sends r, decoding a success body into out (when non-nil) and an error
// body into a typed error. A 401 to a cached management token drops that
// token and tries once more with a fresh one: the gateway refused the
// request before any processing, so repeating it is safe.
func (c *Client) do(ctx context.Context, r apiRequest, out any) (*apiResponse, error) {
	if ctx == nil {
		return nil, errors.New("asgardeo: nil context")
	}
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	res, tok, err := c.doOnce(ctx, r, out)
	if cs, ok := r.auth.(*cachedSource); ok && tok != nil && errors.Is(err, ErrUnauthorized) {
		cs.invalidate(tok)
		res, _, err = c.doOnce(ctx, r, out)
	}
	return res, err
}

func (c *Client) doOnce(ctx context.Context, r apiRequest, out any) (*apiResponse, *oauth2.Token, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, nil, fmt.Errorf("asgardeo: encoding %s body: %w", r.method, err)
		}
	}
	u := r.url
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req, err := retryablehttp.NewRequestWithContext(transport.WithClass(ctx, transport.ClassOf(ctx, r.method)), r.method, u, bodyReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("asgardeo: building request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		ct := "application/json"
		if r.kind == kindSCIM {
			ct = "application/scim+json"
		}
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("User-Agent", c.userAgent)
	var tok *oauth2.Token
	if r.auth != nil {
		if tok, err = r.auth.token(ctx); err != nil {
			return nil, nil, fmt.Errorf("asgardeo: getting a token for %s %s: %w", r.method, transport.RedactURL(req.URL), err)
		}
		tok.SetAuthHeader(req.Request)
	}
	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		return nil, tok, c.transportError(ctx, req.Request, err)
	}
	defer resp.Body.Close()
	capture(ctx, resp)
	data, tooBig, rerr := transport.ReadLimited(resp.Body, maxResponseBytes)
	c.logger.LogAttrs(ctx, slog.LevelDebug, "asgardeo: request",
		slog.String("method", r.method), slog.String("url", transport.RedactURL(req.URL)),
		slog.Int("status", resp.StatusCode), slog.Duration("took", time.Since(start)))
	if rerr != nil {
		if ctx.Err() != nil {
			return nil, tok, c.transportError(ctx, req.Request, ctx.Err())
		}
		return nil, tok, fmt.Errorf("asgardeo: %s %s: reading response: %w", r.method, transport.RedactURL(req.URL), rerr)
	}
	if tooBig {
		return nil, tok, &MalformedError{ResponseInfo: ResponseInfo{StatusCode: resp.StatusCode, Method: r.method, URL: transport.RedactURL(req.URL), Snippet: snippet(data)},
			Err: fmt.Errorf("response body exceeds %d bytes", maxResponseBytes)}
	}
	if !accepted(resp.StatusCode, r.expect) {
		return nil, tok, responseError(r.kind, resp, data)
	}
	if out != nil {
		if err := decodeJSON(data, out); err != nil {
			return nil, tok, &MalformedError{ResponseInfo: ResponseInfo{StatusCode: resp.StatusCode, Method: r.method, URL: transport.RedactURL(req.URL), Header: resp.Header, Snippet: snippet(data)}, Err: err}
		}
	}
	return &apiResponse{StatusCode: resp.StatusCode, Header: resp.Header}, tok, nil
}

func bodyReader(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

func accepted(status int, expect []int) bool {
	if len(expect) == 0 {
		return status >= 200 && status < 300
	}
	for _, s := range expect {
		if s == status {
			return true
		}
	}
	return false
}

// decodeJSON decodes one JSON value and rejects trailing data and empty bodies.
func decodeJSON(data []byte, out any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty body where JSON was expected")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// transportError wraps a failure to get any response. The URL is redacted
// and the cause kept, so errors.Is works on it.
func (c *Client) transportError(ctx context.Context, req *http.Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return &TransportError{Method: req.Method, URL: transport.RedactURL(req.URL), Err: err}
}

// TransportError reports a request that got no HTTP response: a network
// failure, or a context that ended. It unwraps to the cause, so
// errors.Is(err, context.DeadlineExceeded) works.
type TransportError struct {
	Method, URL string
	Err         error
}

func (e *TransportError) Error() string {
	return "asgardeo: " + e.Method + " " + e.URL + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }
