package asgardeo

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Local verification of JWT access tokens and ID tokens.
//
// JOSE is done with github.com/go-jose/go-jose/v4: it is small, maintained,
// has no dependency of its own and never touches the network, so the SDK
// keeps the JWKS fetch on its own retrying transport, clock and limits.
// (The tests use github.com/coreos/go-oidc only to prove that a standard
// OpenID Connect library accepts what the fake issues.)

// Errors of local token verification, for use with [errors.Is].
var (
	// ErrNotJWT means the token is not a JWT: Asgardeo issues opaque
	// access tokens unless the application's access token type is "JWT".
	// Check an opaque token with [AppTokens.Introspect] instead.
	ErrNotJWT = errors.New("asgardeo: token is not a JWT (opaque tokens must be introspected)")
	// ErrInvalidToken means a token failed verification: bad signature,
	// unknown key, wrong issuer, audience, type or nonce, or outside its
	// validity period.
	ErrInvalidToken = errors.New("asgardeo: invalid token")
	// ErrTokenExpired means a token's "exp" has passed (beyond the leeway).
	// It always comes with [ErrInvalidToken].
	ErrTokenExpired = errors.New("asgardeo: token expired")
)

// Defaults of a [Verifier].
const (
	// DefaultLeeway is the clock skew allowed on "exp", "nbf" and "iat".
	DefaultLeeway = 30 * time.Second
	// DefaultJWKSRefreshInterval is the least time between two JWKS
	// fetches: a token signed with an unknown key makes the verifier fetch
	// the JWKS again (the key may be new), at most once per interval, so a
	// flood of forged tokens cannot become a flood of JWKS requests.
	DefaultJWKSRefreshInterval = time.Minute
	// DefaultJWKSMaxAge is how long fetched keys are trusted before the JWKS
	// is fetched again, so that a key the server has rotated out stops
	// verifying tokens.
	DefaultJWKSMaxAge = 15 * time.Minute
)

// VerifierOption configures a [Verifier].
type VerifierOption func(*verifierConfig) error

type verifierConfig struct {
	audience string
	leeway   time.Duration
	interval time.Duration
	maxAge   time.Duration
}

// WithAudience makes the verifier require the client ID in a token's "aud"
// claim. [Verifier.VerifyIDToken] needs it; [Verifier.Verify] checks it when
// it is set.
func WithAudience(clientID string) VerifierOption {
	return func(c *verifierConfig) error {
		if strings.TrimSpace(clientID) == "" {
			return invalidInput("empty audience")
		}
		c.audience = clientID
		return nil
	}
}

// WithLeeway sets the clock skew allowed on the time claims, default
// [DefaultLeeway].
func WithLeeway(d time.Duration) VerifierOption {
	return func(c *verifierConfig) error {
		if d < 0 || d > 5*time.Minute {
			return invalidInput("leeway %v: want between 0 and 5m", d)
		}
		c.leeway = d
		return nil
	}
}

// WithJWKSRefreshInterval sets the least time between two JWKS fetches,
// default [DefaultJWKSRefreshInterval].
func WithJWKSRefreshInterval(d time.Duration) VerifierOption {
	return func(c *verifierConfig) error {
		if d <= 0 {
			return invalidInput("JWKS refresh interval %v: want a positive duration", d)
		}
		c.interval = d
		return nil
	}
}

// WithJWKSMaxAge sets how long fetched keys are trusted before the JWKS is
// fetched again, default [DefaultJWKSMaxAge]. It must not be shorter than
// the refresh interval.
func WithJWKSMaxAge(d time.Duration) VerifierOption {
	return func(c *verifierConfig) error {
		if d <= 0 {
			return invalidInput("JWKS max age %v: want a positive duration", d)
		}
		c.maxAge = d
		return nil
	}
}

// Verifier checks the organization's JWT access tokens and ID tokens
// locally, against the organization's published keys (its JWKS), without a
// request per token. Keys are cached; the JWKS is fetched on first use and
// again when a token names a key the cache does not hold. Time claims are
// checked on the client's clock ([WithClock]). A Verifier is safe for
// concurrent use; keep one per organization and audience, as its key cache
// lives with it.
type Verifier struct {
	c        *Client
	issuer   string
	audience string
	leeway   time.Duration
	keys     *jwksCache
}

// Verifier returns a verifier of the organization's tokens: their issuer
// must be the organization's ([Endpoints.Issuer]) and their keys those of
// its JWKS ([Endpoints.JWKS]).
func (o *Org) Verifier(opts ...VerifierOption) (*Verifier, error) {
	return newVerifier(o.c, o.Endpoints(), opts)
}

// Verifier returns a verifier of the application's tokens, issued at the
// endpoints the application's token helpers use, with the application's
// client ID as the audience.
func (t *AppTokens) Verifier(opts ...VerifierOption) (*Verifier, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	return newVerifier(t.c, t.ep, append([]VerifierOption{WithAudience(t.clientID)}, opts...))
}

func newVerifier(c *Client, ep Endpoints, opts []VerifierOption) (*Verifier, error) {
	cfg := verifierConfig{leeway: DefaultLeeway, interval: DefaultJWKSRefreshInterval, maxAge: DefaultJWKSMaxAge}
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("asgardeo: nil VerifierOption")
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.maxAge < cfg.interval {
		return nil, invalidInput("JWKS max age %v is shorter than the refresh interval %v", cfg.maxAge, cfg.interval)
	}
	return &Verifier{
		c: c, issuer: ep.Issuer, audience: cfg.audience, leeway: cfg.leeway,
		keys: &jwksCache{c: c, url: ep.JWKS, interval: cfg.interval, maxAge: cfg.maxAge, sem: make(chan struct{}, 1)},
	}, nil
}

// Verify checks a JWT access token (RFC 9068) locally: RS256 signature by a
// key of the organization's JWKS, "typ" header "at+jwt", issuer, audience
// (when the verifier has one), and "exp", "nbf" and "iat" within the leeway.
// It returns what [AppTokens.Introspect] would, with Active true and
// TokenType "JWT", except Username, which a JWT access token does not carry
// (its Subject is the user ID, or the client ID for an application token).
// An opaque token is [ErrNotJWT]; any failed check is [ErrInvalidToken]. A
// revoked token still verifies until it expires: only introspection sees
// revocation.
func (v *Verifier) Verify(ctx context.Context, accessToken string) (*Introspection, error) {
	var rc jwt.Claims
	var all map[string]any
	if err := v.verify(ctx, accessToken, true, &rc, &rc, &all); err != nil {
		return nil, err
	}
	all["active"] = true
	all["token_type"] = "JWT" // what introspection reports for a JWT access token
	in, err := introspectionFromClaims(all)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	return in, nil
}

// VerifiedIDToken is a verified OpenID Connect ID token.
type VerifiedIDToken struct {
	Issuer, Subject string
	Audience        []string
	// AuthorizedParty is the "azp" claim: the client ID the token was issued to.
	AuthorizedParty string
	Expiry          time.Time
	IssuedAt        time.Time
	// AuthTime is when the user authenticated; zero when absent.
	AuthTime time.Time
	Nonce    string
	// AccessTokenHash is the "at_hash" claim; see [VerifiedIDToken.VerifyAccessToken].
	AccessTokenHash string
	// OrgID is the organization the user logged in to.
	OrgID string
	// Claims holds every claim of the token, the ones above included, as
	// decoded from JSON (e.g. "email" string, "email_verified" bool).
	Claims map[string]any
}

// VerifyAccessToken checks that accessToken is the one the ID token was
// issued with: its hash must equal the "at_hash" claim (OpenID Connect Core
// §3.1.3.6). A token without at_hash fails.
func (t *VerifiedIDToken) VerifyAccessToken(accessToken string) error {
	h := sha256.Sum256([]byte(accessToken))
	want := base64.RawURLEncoding.EncodeToString(h[:len(h)/2])
	if t.AccessTokenHash == "" || subtle.ConstantTimeCompare([]byte(want), []byte(t.AccessTokenHash)) != 1 {
		return fmt.Errorf("%w: at_hash does not match the access token", ErrInvalidToken)
	}
	return nil
}

// VerifyIDToken checks an ID token of the authorization-code flow (OpenID
// Connect Core §3.1.3.7): RS256 signature by a key of the organization's
// JWKS, issuer, audience containing the verifier's client ID (required: see
// [WithAudience]), "azp" equal to it when present, "exp" and "iat" within
// the leeway, and "nonce" equal to nonce, the value sent with
// [WithNonce] ("" when none was sent, then the token must carry none).
func (v *Verifier) VerifyIDToken(ctx context.Context, rawIDToken, nonce string) (*VerifiedIDToken, error) {
	if v.audience == "" {
		return nil, invalidInput("verifying an ID token needs the client ID: use WithAudience or AppTokens.Verifier")
	}
	var c idClaims
	var all map[string]any
	if err := v.verify(ctx, rawIDToken, false, &c.Claims, &c, &all); err != nil {
		return nil, err
	}
	if c.AuthorizedParty != "" && c.AuthorizedParty != v.audience || len(c.Audience) > 1 && c.AuthorizedParty == "" {
		return nil, fmt.Errorf("%w: azp %q is not the client ID", ErrInvalidToken, c.AuthorizedParty)
	}
	if subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("%w: nonce does not match", ErrInvalidToken)
	}
	return &VerifiedIDToken{
		Issuer: c.Issuer, Subject: c.Subject, Audience: []string(c.Audience), AuthorizedParty: c.AuthorizedParty,
		Expiry: numericTime(c.Expiry), IssuedAt: numericTime(c.IssuedAt), AuthTime: numericTime(c.AuthTime),
		Nonce: c.Nonce, AccessTokenHash: c.AccessTokenHash, OrgID: c.OrgID, Claims: all,
	}, nil
}

// verify checks a compact JWS and decodes its claims into dest; rc points
// to the registered claims inside dest[0].
func (v *Verifier) verify(ctx context.Context, raw string, accessToken bool, rc *jwt.Claims, dest ...any) error {
	if strings.Count(raw, ".") != 2 {
		return ErrNotJWT
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if len(tok.Headers) != 1 {
		return fmt.Errorf("%w: want one signature", ErrInvalidToken)
	}
	h := tok.Headers[0]
	typ, _ := h.ExtraHeaders[jose.HeaderType].(string)
	isAT := strings.EqualFold(typ, "at+jwt") || strings.EqualFold(typ, "application/at+jwt")
	switch {
	case accessToken && !isAT:
		return fmt.Errorf("%w: typ header %q, want at+jwt", ErrInvalidToken, typ)
	case !accessToken && isAT:
		return fmt.Errorf("%w: an access token is not an ID token", ErrInvalidToken)
	}
	key, err := v.keys.key(ctx, h.KeyID)
	if err != nil {
		return err
	}
	if err := tok.Claims(key, dest...); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if rc.Expiry == nil {
		return fmt.Errorf("%w: no exp claim", ErrInvalidToken)
	}
	exp := jwt.Expected{Issuer: v.issuer, Time: v.c.now()}
	if v.audience != "" {
		exp.AnyAudience = jwt.Audience{v.audience}
	}
	switch err := rc.ValidateWithLeeway(exp, v.leeway); {
	case errors.Is(err, jwt.ErrExpired):
		return fmt.Errorf("%w: %w", ErrInvalidToken, ErrTokenExpired)
	case errors.Is(err, jwt.ErrInvalidIssuer):
		return fmt.Errorf("%w: issuer %q, want %q", ErrInvalidToken, rc.Issuer, v.issuer)
	case err != nil:
		return fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	return nil
}

func numericTime(d *jwt.NumericDate) time.Time {
	if d == nil {
		return time.Time{}
	}
	return d.Time()
}

// idClaims are the claims of an ID token the verifier checks.
type idClaims struct {
	jwt.Claims
	AuthorizedParty string           `json:"azp"`
	AuthTime        *jwt.NumericDate `json:"auth_time"`
	Nonce           string           `json:"nonce"`
	AccessTokenHash string           `json:"at_hash"`
	OrgID           string           `json:"org_id"`
}

// jwksCache holds the keys of one JWKS URL.
type jwksCache struct {
	c        *Client
	url      string
	interval time.Duration // least time between two fetches
	maxAge   time.Duration // how long fetched keys are used
	sem      chan struct{} // one fetch at a time; waiters honour their context

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey // RS256 signing keys by key ID
	got     time.Time                 // when keys were fetched
	fetched time.Time                 // last fetch that got an answer or failed for good
	err     error                     // that fetch's error
}

// key returns the signing key kid. The JWKS is fetched when the cached keys
// are older than maxAge or do not hold kid, but never twice within an
// interval: in between, an unknown kid is simply unknown.
func (k *jwksCache) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if kid == "" {
		return nil, fmt.Errorf("%w: no kid header", ErrInvalidToken)
	}
	if key := k.cached(kid); key != nil {
		return key, nil
	}
	select {
	case k.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-k.sem }()
	// A fetch may have finished while this caller waited.
	if key := k.cached(kid); key != nil {
		return key, nil
	}
	k.mu.Lock()
	recent := !k.fetched.IsZero() && k.c.now().Before(k.fetched.Add(k.interval))
	lastErr := k.err
	k.mu.Unlock()
	if recent {
		if lastErr != nil {
			return nil, fmt.Errorf("asgardeo: fetching JWKS: %w", lastErr)
		}
		return nil, fmt.Errorf("%w: unknown signing key", ErrInvalidToken)
	}
	keys, err := k.fetch(ctx)
	if err != nil && isContextError(err) {
		// This caller's context ended; that says nothing about the server.
		return nil, err
	}
	now := k.c.now()
	k.mu.Lock()
	k.fetched, k.err = now, err
	if err == nil {
		k.keys, k.got = keys, now
	}
	k.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("asgardeo: fetching JWKS: %w", err)
	}
	if key := keys[kid]; key != nil {
		return key, nil
	}
	return nil, fmt.Errorf("%w: unknown signing key", ErrInvalidToken)
}

// cached returns kid from keys that are not older than maxAge.
func (k *jwksCache) cached(kid string) *rsa.PublicKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil || !k.c.now().Before(k.got.Add(k.maxAge)) {
		return nil
	}
	return k.keys[kid]
}

// fetch gets the JWKS and keeps its RS256 signing keys. Keys of other types
// or uses are skipped, not fatal: a JWKS may publish keys the SDK has no
// use for.
func (k *jwksCache) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if _, err := k.c.do(ctx, apiRequest{method: http.MethodGet, url: k.url, kind: kindOAuth}, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, raw := range set.Keys {
		var jwk jose.JSONWebKey
		if err := json.Unmarshal(raw, &jwk); err != nil {
			continue
		}
		pub, ok := jwk.Key.(*rsa.PublicKey)
		if !ok || jwk.KeyID == "" || (jwk.Use != "" && jwk.Use != "sig") ||
			(jwk.Algorithm != "" && jwk.Algorithm != string(jose.RS256)) || pub.N.BitLen() < 2048 {
			continue
		}
		keys[jwk.KeyID] = pub
	}
	return keys, nil
}
