package asgardeo

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// TokensService gets, introspects and revokes tokens at one set of OAuth2
// endpoints: an organization's ([Org.Tokens]), for the applications created
// in it and the root applications shared with it, or the root
// organization's ([Client.Tokens]), for root applications.
type TokensService struct {
	c     *Client
	ep    Endpoints
	scope string // the organization ID, or "root"
}

// Tokens returns the organization's token service. Its endpoints are the
// organization's OAuth2 endpoints (BASE/t/{root}/o/{orgId}/oauth2/...).
func (o *Org) Tokens() *TokensService {
	return &TokensService{c: o.c, ep: o.Endpoints(), scope: o.id}
}

// Tokens returns the root organization's token service, whose endpoints are
// BASE/t/{root}/oauth2/...: for root applications, such as the one whose
// client-credentials tokens [AppTokens.OrganizationSwitch] switches.
func (c *Client) Tokens() *TokensService {
	oauth := func(p string) string { return c.tenantURL("oauth2", p) }
	ep := Endpoints{
		Authorize: oauth("authorize"), Token: oauth("token"), Introspect: oauth("introspect"),
		Revoke: oauth("revoke"), JWKS: oauth("jwks"), UserInfo: oauth("userinfo"),
		Discovery: c.tenantURL("oauth2", "token", ".well-known", "openid-configuration"),
		Issuer:    oauth("token"), RootToken: oauth("token"),
	}
	return &TokensService{c: c, ep: ep, scope: "root"}
}

// AppOption configures the token helpers of one application.
type AppOption func(*appConfig)

type appConfig struct {
	redirectURL string
}

// WithRedirectURL sets the redirect URI of the authorization-code flow. It
// must be exactly one of the application's registered callback URLs.
func WithRedirectURL(u string) AppOption {
	return func(c *appConfig) { c.redirectURL = u }
}

// AppTokens holds the token helpers of one application in one organization:
// every grant Asgardeo offers an organization application, organization
// switching, introspection and revocation. It is safe for concurrent use.
// The client secret is never printed, logged, or put in an error.
type AppTokens struct {
	c        *Client
	ep       Endpoints
	scope    string
	clientID string
	secret   secret
	cfg      appConfig

	mu sync.Mutex
	cc map[string]*cachedSource // client-credentials sources by scope set
}

// ForApp returns the token helpers of the application with the given
// credentials. A public client (no secret) passes "" as clientSecret: its
// client ID then travels in the request body and PKCE protects its codes.
// Arguments are checked when a token is requested: an empty client ID is an
// error matching [ErrInvalidInput].
func (s *TokensService) ForApp(clientID, clientSecret string, opts ...AppOption) *AppTokens {
	t := &AppTokens{c: s.c, ep: s.ep, scope: s.scope, clientID: clientID, secret: secret(clientSecret), cc: map[string]*cachedSource{}}
	for _, opt := range opts {
		if opt != nil {
			opt(&t.cfg)
		}
	}
	return t
}

// ClientID returns the application's client ID.
func (t *AppTokens) ClientID() string { return t.clientID }

// String describes t without its secret.
func (t *AppTokens) String() string {
	return fmt.Sprintf("asgardeo.AppTokens{org: %s, clientID: %s, secret: REDACTED}", t.scope, t.clientID)
}

// GoString is String, so that %#v hides the secret too.
func (t *AppTokens) GoString() string { return t.String() }

func (t *AppTokens) check() error {
	if strings.TrimSpace(t.clientID) == "" {
		return invalidInput("empty client ID")
	}
	return nil
}

// authStyle is HTTP Basic for confidential clients and the request body
// (client_id only) for public clients.
func (t *AppTokens) authStyle() oauth2.AuthStyle {
	if t.secret == "" {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}

// config is the x/oauth2 configuration of the application.
func (t *AppTokens) config(scopes []string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     t.clientID,
		ClientSecret: t.secret.reveal(),
		Endpoint:     oauth2.Endpoint{AuthURL: t.ep.Authorize, TokenURL: t.ep.Token, AuthStyle: t.authStyle()},
		RedirectURL:  t.cfg.redirectURL,
		Scopes:       scopes,
	}
}

// ClientCredentials returns a token source of the client_credentials grant
// for the given scopes. Tokens are cached until shortly before they expire
// (see [WithExpiryMargin]); concurrent callers of a cold or expiring source
// share one token request, and a failed request reaches all of them while
// the next call tries again. Calls with the same scopes share one source.
// Asgardeo grants the requested scopes the application is authorized for
// and silently drops the others: read them with [GrantedScopes].
func (t *AppTokens) ClientCredentials(scopes ...string) oauth2.TokenSource {
	key := strings.Join(scopes, " ")
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.cc[key]; ok {
		return s
	}
	scopes = append([]string(nil), scopes...)
	c := t.c
	s := newCachedSource(c, func(ctx context.Context) (*oauth2.Token, error) {
		if err := t.check(); err != nil {
			return nil, err
		}
		ctx, cancel := c.callContext(ctx)
		defer cancel()
		cfg := clientcredentials.Config{
			ClientID:     t.clientID,
			ClientSecret: t.secret.reveal(),
			TokenURL:     t.ep.Token,
			Scopes:       scopes,
			AuthStyle:    t.authStyle(),
		}
		tok, err := cfg.Token(c.oauthContext(ctx, transport.Repeatable))
		if err != nil {
			return nil, c.oauthError(ctx, cfg.TokenURL, err)
		}
		return c.retimed(tok), nil
	})
	t.cc[key] = s
	return s
}

// Password gets a token with the resource owner password credentials grant
// for a user of the organization. Without scopes, Asgardeo grants none.
// Wrong credentials are an [*OAuthError] matching [ErrInvalidGrant].
func (t *AppTokens) Password(ctx context.Context, username, password string, scopes ...string) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, invalidInput("nil context")
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	if username == "" || password == "" {
		return nil, invalidInput("empty username or password")
	}
	c := t.c
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	cfg := t.config(scopes)
	tok, err := cfg.PasswordCredentialsToken(c.oauthContext(ctx, transport.Repeatable), username, password)
	if err != nil {
		return nil, c.oauthError(ctx, cfg.Endpoint.TokenURL, err)
	}
	return c.retimed(tok), nil
}

// AuthCodeOption is an option of [AppTokens.AuthCodeURL].
type AuthCodeOption interface {
	apply(*authCodeSettings)
}

type authCodeSettings struct {
	noPKCE bool
	params url.Values
}

type authCodeOptionFunc func(*authCodeSettings)

func (f authCodeOptionFunc) apply(s *authCodeSettings) { f(s) }

// WithNonce adds the OpenID Connect nonce, which the ID token then carries.
func WithNonce(nonce string) AuthCodeOption {
	return authCodeOptionFunc(func(s *authCodeSettings) { s.params.Set("nonce", nonce) })
}

// WithPrompt adds the OpenID Connect prompt parameter ("login", "consent", "none").
func WithPrompt(prompt string) AuthCodeOption {
	return authCodeOptionFunc(func(s *authCodeSettings) { s.params.Set("prompt", prompt) })
}

// WithAuthParam adds any other parameter to the authorization URL. It cannot
// replace the parameters the SDK sets (response_type, client_id,
// redirect_uri, scope, state, and the PKCE challenge).
func WithAuthParam(key, value string) AuthCodeOption {
	return authCodeOptionFunc(func(s *authCodeSettings) { s.params.Set(key, value) })
}

// WithoutPKCE leaves PKCE out of the authorization request. Use it only for
// a confidential client whose server does not accept PKCE; AuthCodeURL then
// returns an empty verifier.
func WithoutPKCE() AuthCodeOption {
	return authCodeOptionFunc(func(s *authCodeSettings) { s.noPKCE = true })
}

// reservedAuthParams are set by AuthCodeURL itself.
var reservedAuthParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"code_challenge": true, "code_challenge_method": true,
}

// AuthCodeURL returns the organization's authorization URL for the
// authorization-code flow, and the PKCE code verifier to keep (with state)
// until the callback and pass to [AppTokens.Exchange]. PKCE uses S256 unless
// [WithoutPKCE] is given. state must be an unguessable value bound to the
// user's session (RFC 6749 §10.12); check it with [CheckCallback].
func (t *AppTokens) AuthCodeURL(state string, scopes []string, opts ...AuthCodeOption) (authURL, verifier string) {
	settings := authCodeSettings{params: url.Values{}}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&settings)
		}
	}
	var extra []oauth2.AuthCodeOption
	for k, vs := range settings.params {
		if reservedAuthParams[k] {
			continue
		}
		extra = append(extra, oauth2.SetAuthURLParam(k, vs[0]))
	}
	if !settings.noPKCE {
		verifier = oauth2.GenerateVerifier()
		extra = append(extra, oauth2.S256ChallengeOption(verifier))
	}
	return t.config(scopes).AuthCodeURL(state, extra...), verifier
}

// Exchange trades an authorization code for tokens. verifier is the one
// [AppTokens.AuthCodeURL] returned ("" without PKCE). The request is never
// retried once it may have reached the server: a code is single use, and
// presenting it twice makes Asgardeo revoke the tokens it issued.
func (t *AppTokens) Exchange(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, invalidInput("nil context")
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	if code == "" {
		return nil, invalidInput("empty authorization code")
	}
	c := t.c
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	cfg := t.config(nil)
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	tok, err := cfg.Exchange(c.oauthContext(ctx, transport.Once), code, opts...)
	if err != nil {
		return nil, c.oauthError(ctx, cfg.Endpoint.TokenURL, err)
	}
	return c.retimed(tok), nil
}

// ErrStateMismatch is returned by [CheckCallback] when the callback's state
// is not the expected one: the redirect was not started by this session.
var ErrStateMismatch = errors.New("asgardeo: oauth2 callback state mismatch")

// CheckCallback checks the query of an authorization-code callback
// (r.URL.Query()): its state must equal wantState (compared in constant
// time, else [ErrStateMismatch]), and an error on the redirect becomes an
// [*OAuthError] (error=access_denied matches [ErrAccessDenied]). It returns
// the authorization code.
func CheckCallback(query url.Values, wantState string) (code string, err error) {
	got := query.Get("state")
	if wantState == "" || subtle.ConstantTimeCompare([]byte(got), []byte(wantState)) != 1 {
		return "", ErrStateMismatch
	}
	if e := query.Get("error"); e != "" {
		return "", &OAuthError{Code: e, Description: query.Get("error_description"), URI: query.Get("error_uri")}
	}
	code = query.Get("code")
	if code == "" {
		return "", fmt.Errorf("%w: callback has neither code nor error", ErrMalformed)
	}
	return code, nil
}

// Refresh gets new tokens with a refresh token. The request is never
// retried once it may have reached the server, since Asgardeo may rotate
// the refresh token. When the answer carries no refresh token, the one
// passed in stays valid and is set on the result.
func (t *AppTokens) Refresh(ctx context.Context, refreshToken string) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, invalidInput("nil context")
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	if refreshToken == "" {
		return nil, invalidInput("empty refresh token")
	}
	c := t.c
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	cfg := t.config(nil)
	tok, err := cfg.TokenSource(c.oauthContext(ctx, transport.Once), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, c.oauthError(ctx, cfg.Endpoint.TokenURL, err)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return c.retimed(tok), nil
}

// RefreshSource returns a token source that starts from tok and renews it
// with its refresh token shortly before it expires. Rotation is handled: a
// new refresh token replaces the old one, and when the server sends none
// the old one is kept. onNew, when not nil, is called with every new token
// (to persist it) before the source returns it; it must not call the source.
// Concurrent callers share one refresh request.
func (t *AppTokens) RefreshSource(tok *oauth2.Token, onNew func(*oauth2.Token)) oauth2.TokenSource {
	var mu sync.Mutex
	var refresh string
	if tok != nil {
		refresh = tok.RefreshToken
	}
	s := newCachedSource(t.c, func(ctx context.Context) (*oauth2.Token, error) {
		mu.Lock()
		rt := refresh
		mu.Unlock()
		if rt == "" {
			return nil, invalidInput("token has no refresh token")
		}
		nt, err := t.Refresh(ctx, rt)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		refresh = nt.RefreshToken
		mu.Unlock()
		if onNew != nil {
			onNew(nt)
		}
		return nt, nil
	})
	if tok != nil && tok.AccessToken != "" {
		s.tok = tok
	}
	return s
}

// OrganizationSwitch returns a token source bound to organization orgID,
// made from the tokens of root, a token source of this root-organization
// application (for example its [AppTokens.ClientCredentials] at the root,
// or a user's tokens), with the organization_switch grant at the root
// token endpoint. The application must be shared with the organization and
// have the organization_switch grant. Switched tokens are cached until
// shortly before they expire; concurrent callers share one request. When
// the root token is refused as invalid and root is a source from this
// package, its cached token is dropped so the next call fetches a new one.
func (t *AppTokens) OrganizationSwitch(root oauth2.TokenSource, orgID string, scopes ...string) oauth2.TokenSource {
	scopes = append([]string(nil), scopes...)
	c := t.c
	orgID = strings.ToLower(orgID)
	return newCachedSource(c, func(ctx context.Context) (*oauth2.Token, error) {
		if err := t.check(); err != nil {
			return nil, err
		}
		if root == nil {
			return nil, invalidInput("nil root token source")
		}
		if !IsUUID(orgID) {
			return nil, invalidInput("organization ID %q is not a UUID", orgID)
		}
		rt, err := sourceGetter{root}.token(ctx)
		if err != nil {
			return nil, fmt.Errorf("asgardeo: root token for organization switch: %w", err)
		}
		tok, err := c.switchOrganization(ctx, t.clientID, t.secret, rt.AccessToken, orgID, scopes)
		if errors.Is(err, ErrInvalidGrant) {
			if cs, ok := root.(*cachedSource); ok {
				cs.invalidate(rt)
			}
		}
		return tok, err
	})
}

// callContext bounds ctx by the client's timeout, when one is set.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}
