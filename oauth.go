package asgardeo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// TokenHint says which kind of token is passed to introspection or revocation.
type TokenHint string

// Token type hints of RFC 7009 and RFC 7662.
const (
	NoHint           TokenHint = ""
	AccessTokenHint  TokenHint = "access_token"
	RefreshTokenHint TokenHint = "refresh_token"
)

// formResult is a successful answer of an OAuth2 form post.
type formResult struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// postForm is the one form-post helper of the grants x/oauth2 lacks
// (organization switch), introspection and revocation. The client
// authenticates with HTTP Basic (client_secret_basic), or sends client_id
// alone when secret is empty (public clients). Errors are *OAuthError.
func (c *Client) postForm(ctx context.Context, endpoint string, form url.Values, clientID string, clientSecret secret, class transport.Class) (*formResult, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	if clientSecret == "" {
		form = cloneValues(form)
		form.Set("client_id", clientID)
	}
	req, err := retryablehttp.NewRequestWithContext(transport.WithClass(ctx, class), http.MethodPost, endpoint, []byte(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("asgardeo: building request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if clientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(clientSecret.reveal()))
	}
	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, req.Request, err)
	}
	defer resp.Body.Close()
	capture(ctx, resp)
	data, tooBig, rerr := transport.ReadLimited(resp.Body, maxResponseBytes)
	c.logger.LogAttrs(ctx, slog.LevelDebug, "asgardeo: request",
		slog.String("method", http.MethodPost), slog.String("url", transport.RedactURL(req.URL)),
		slog.String("grant_type", form.Get("grant_type")),
		slog.Int("status", resp.StatusCode), slog.Duration("took", time.Since(start)))
	if rerr != nil {
		if ctx.Err() != nil {
			return nil, c.transportError(ctx, req.Request, ctx.Err())
		}
		return nil, fmt.Errorf("asgardeo: POST %s: reading response: %w", transport.RedactURL(req.URL), rerr)
	}
	if tooBig {
		return nil, &MalformedError{ResponseInfo: ResponseInfo{StatusCode: resp.StatusCode, Method: http.MethodPost, URL: transport.RedactURL(req.URL), Snippet: snippet(data)},
			Err: fmt.Errorf("response body exceeds %d bytes", maxResponseBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, responseError(kindOAuth, resp, data)
	}
	return &formResult{StatusCode: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// tokenResponse is the RFC 6749 §5.1 success body.
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	Scope        *string         `json:"scope"`
	IDToken      string          `json:"id_token"`
}

// decodeToken parses a token response strictly: a body without an access
// token or with a malformed expires_in is an error, never a zero token.
func decodeToken(body []byte, now time.Time) (*oauth2.Token, error) {
	var tr tokenResponse
	if err := decodeJSON(body, &tr); err != nil {
		return nil, fmt.Errorf("%w: token response: %v", ErrMalformed, err)
	}
	if tr.AccessToken == "" {
		return nil, fmt.Errorf("%w: token response has no access_token", ErrMalformed)
	}
	secs, err := parseExpiresIn(tr.ExpiresIn)
	if err != nil {
		return nil, fmt.Errorf("%w: token response: %v", ErrMalformed, err)
	}
	tok := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: tr.TokenType, RefreshToken: tr.RefreshToken}
	if secs > 0 {
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
		tok.ExpiresIn = secs
	}
	var raw map[string]any
	_ = json.Unmarshal(body, &raw) // valid: decoded above
	return tok.WithExtra(raw), nil
}

// parseExpiresIn accepts a JSON number or a numeric string, as servers differ.
func parseExpiresIn(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	s := string(raw)
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid expires_in %s", raw)
	}
	// A larger value would overflow time.Duration and put the expiry in
	// the past; 68 years is as good as never.
	return min(n, maxExpiresIn), nil
}

// maxExpiresIn caps expires_in (seconds) so that expiry times stay valid.
const maxExpiresIn = 1<<31 - 1

// GrantedScopes returns the scopes the server granted with tok, from the
// token response's "scope" member. When the server omitted it, no scope was
// granted and the result is empty, whatever was requested.
func GrantedScopes(tok *oauth2.Token) []string {
	if tok == nil {
		return nil
	}
	s, _ := tok.Extra("scope").(string)
	return strings.Fields(s)
}

// IDToken returns the raw id_token of a token response, or "".
func IDToken(tok *oauth2.Token) string {
	if tok == nil {
		return ""
	}
	s, _ := tok.Extra("id_token").(string)
	return s
}

// oauthContext returns ctx carrying the HTTP client x/oauth2 must use: the
// SDK's retrying transport, with the given retry class.
func (c *Client) oauthContext(ctx context.Context, class transport.Class) context.Context {
	return context.WithValue(transport.WithClass(ctx, class), oauth2.HTTPClient, c.oauthHTTP())
}

func (c *Client) oauthHTTP() *http.Client {
	c.oauthOnce.Do(func() {
		c.oauthClient = &http.Client{
			Transport:     userAgentTransport{ua: c.userAgent, next: &retryablehttp.RoundTripper{Client: c.rc}},
			CheckRedirect: transport.NoRedirect,
		}
	})
	return c.oauthClient
}

type userAgentTransport struct {
	ua   string
	next http.RoundTripper
}

func (t userAgentTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("User-Agent", t.ua)
	return t.next.RoundTrip(r2)
}

// oauthError converts an error of x/oauth2 into the SDK's typed errors.
func (c *Client) oauthError(ctx context.Context, endpoint string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return responseError(kindOAuth, re.Response, re.Body)
	}
	u, _ := url.Parse(endpoint)
	var ue *url.Error
	if errors.As(err, &ue) || isContextError(err) || ctx.Err() != nil ||
		strings.HasPrefix(err.Error(), "oauth2: cannot fetch token") { // reading the body failed
		return c.transportError(ctx, &http.Request{Method: http.MethodPost, URL: u}, err)
	}
	// What is left is x/oauth2 failing to decode a success answer ("cannot
	// parse json", "server response missing access_token"). Its status is
	// not known here, and no part of the body is kept: it may hold a token.
	return &MalformedError{ResponseInfo: ResponseInfo{Method: http.MethodPost, URL: transport.RedactURL(u)}, Err: err}
}

// retimed re-derives tok's expiry from expires_in on the client's clock, so
// that a test clock shared with a fake server governs the cache.
func (c *Client) retimed(tok *oauth2.Token) *oauth2.Token {
	if tok == nil {
		return nil
	}
	secs, err := parseExpiresIn(rawJSON(tok.Extra("expires_in")))
	if err == nil && secs > 0 {
		tok.Expiry = c.now().Add(time.Duration(secs) * time.Second)
	}
	return tok
}

func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

// rootToken fetches a client-credentials token of the root application.
func (c *Client) rootToken(ctx context.Context) (*oauth2.Token, error) {
	cfg := clientcredentials.Config{
		ClientID:     c.rootCreds.id,
		ClientSecret: c.rootCreds.secret.reveal(),
		TokenURL:     c.tenantURL("oauth2", "token"),
		Scopes:       c.rootCreds.scopes,
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	tok, err := cfg.Token(c.oauthContext(ctx, transport.Repeatable))
	if err != nil {
		return nil, c.oauthError(ctx, cfg.TokenURL, err)
	}
	return c.retimed(tok), nil
}

// switchOrganization exchanges a root token for one bound to orgID with the
// organization_switch grant (at the root token endpoint).
func (c *Client) switchOrganization(ctx context.Context, clientID string, clientSecret secret, rootToken, orgID string, scopes []string) (*oauth2.Token, error) {
	form := url.Values{
		"grant_type":             {"organization_switch"},
		"token":                  {rootToken},
		"switching_organization": {orgID},
	}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	endpoint := c.tenantURL("oauth2", "token")
	res, err := c.postForm(ctx, endpoint, form, clientID, clientSecret, transport.Repeatable)
	if err != nil {
		return nil, err
	}
	tok, err := decodeToken(res.Body, c.now())
	if err != nil {
		// No snippet: a token response that fails to decode may still hold a token.
		u, _ := url.Parse(endpoint)
		return nil, &MalformedError{ResponseInfo: ResponseInfo{StatusCode: res.StatusCode, Method: http.MethodPost, URL: transport.RedactURL(u), Header: res.Header}, Err: err}
	}
	return tok, nil
}

// managementAuth returns the token getter of orgID's management calls.
func (c *Client) managementAuth(orgID string) (tokenGetter, error) {
	if c.tokenSource != nil {
		return sourceGetter{c.tokenSource}, nil
	}
	if c.rootCreds == nil {
		return nil, ErrNoCredentials
	}
	c.rootOnce.Do(func() { c.rootSource = newCachedSource(c, c.rootToken) })
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.orgSource[orgID]
	if !ok {
		root := c.rootSource
		s = newCachedSource(c, func(ctx context.Context) (*oauth2.Token, error) {
			rt, err := root.token(ctx)
			if err != nil {
				return nil, err
			}
			tok, err := c.switchOrganization(ctx, c.rootCreds.id, c.rootCreds.secret, rt.AccessToken, orgID, c.rootCreds.scopes)
			if errors.Is(err, ErrInvalidGrant) {
				// The root token was refused (revoked early): drop it so the
				// next call fetches a fresh one.
				root.invalidate(rt)
			}
			return tok, err
		})
		c.orgSource[orgID] = s
	}
	return s, nil
}

// ErrNoCredentials is returned by management calls of a client configured
// with neither [WithCredentials] nor [WithTokenSource].
var ErrNoCredentials = errors.New("asgardeo: no credentials for management calls (use WithCredentials or WithTokenSource)")
