package asgardeo

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// Introspection is what the server says about a token (RFC 7662, spec
// §6.4). An unknown, expired or revoked token has Active false and every
// other field empty.
type Introspection struct {
	// Active reports whether the token is valid now.
	Active bool
	// Scopes are the token's scopes; empty when it has none.
	Scopes []string
	// ClientID is the client the token was issued to.
	ClientID string
	// Username is the user of a user token, as "<username>@<orgId>" for
	// organization users; empty for application tokens.
	Username string
	// TokenType is "Bearer" for opaque access tokens and "JWT" for JWT ones.
	TokenType string
	// ExpiresAt, IssuedAt and NotBefore are zero when the server omits them.
	ExpiresAt, IssuedAt, NotBefore time.Time
	// Audience holds the "aud" member, which may be a string or an array.
	Audience []string
	// AUT is the authorized user type: "APPLICATION" for client-credentials
	// tokens, "APPLICATION_USER" for user tokens.
	AUT string
	// OrgID and OrgName are the organization the token accesses.
	OrgID, OrgName string
	// Subject, Issuer and JTI are set for JWT tokens.
	Subject, Issuer, JTI string
	// Extra holds every member of the answer, the ones above included, as
	// decoded from JSON (numbers are float64).
	Extra map[string]any
}

// Introspect asks the organization's introspection endpoint about token,
// authenticating as the application. hint may be [NoHint],
// [AccessTokenHint] or [RefreshTokenHint]. An inactive token is not an
// error: the result has Active false.
func (t *AppTokens) Introspect(ctx context.Context, token string, hint TokenHint) (*Introspection, error) {
	if ctx == nil {
		return nil, invalidInput("nil context")
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(token) == "" {
		return nil, invalidInput("empty token")
	}
	form := url.Values{"token": {token}}
	if hint != NoHint {
		form.Set("token_type_hint", string(hint))
	}
	endpoint := t.ep.Introspect
	res, err := t.c.postForm(ctx, endpoint, form, t.clientID, t.secret, transport.Repeatable)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := decodeJSON(res.Body, &raw); err != nil {
		return nil, malformedForm(res, endpoint, err)
	}
	in, err := introspectionFromClaims(raw)
	if err != nil {
		return nil, malformedForm(res, endpoint, err)
	}
	return in, nil
}

// Revoke revokes token at the organization's revocation endpoint (RFC
// 7009), authenticating as the application. Revoking either token of an
// access/refresh pair revokes both. An unknown or already revoked token is
// a success; a token of another client is an [*OAuthError] matching
// [ErrUnauthorizedClient].
func (t *AppTokens) Revoke(ctx context.Context, token string, hint TokenHint) error {
	if ctx == nil {
		return invalidInput("nil context")
	}
	if err := t.check(); err != nil {
		return err
	}
	if strings.TrimSpace(token) == "" {
		return invalidInput("empty token")
	}
	form := url.Values{"token": {token}}
	if hint != NoHint {
		form.Set("token_type_hint", string(hint))
	}
	_, err := t.c.postForm(ctx, t.ep.Revoke, form, t.clientID, t.secret, transport.Repeatable)
	return err
}

func malformedForm(res *formResult, endpoint string, err error) error {
	u, _ := url.Parse(endpoint)
	return &MalformedError{
		ResponseInfo: ResponseInfo{StatusCode: res.StatusCode, Method: http.MethodPost, URL: transport.RedactURL(u), Header: res.Header, Snippet: snippet(res.Body)},
		Err:          err,
	}
}

// introspectionFromClaims types the members of an introspection answer (or
// the claims of a JWT access token). "active" must be a boolean; the other
// members are optional, but one of the wrong type is an error.
func introspectionFromClaims(m map[string]any) (*Introspection, error) {
	in := &Introspection{Extra: m}
	active, ok := m["active"].(bool)
	if !ok {
		return nil, fmt.Errorf(`"active" is missing or not a boolean`)
	}
	in.Active = active
	var err error
	str := func(key string, dst *string) {
		if err != nil {
			return
		}
		switch v := m[key].(type) {
		case nil:
		case string:
			*dst = v
		default:
			err = fmt.Errorf("%q is a %T, want a string", key, v)
		}
	}
	str("client_id", &in.ClientID)
	str("username", &in.Username)
	str("token_type", &in.TokenType)
	str("aut", &in.AUT)
	str("org_id", &in.OrgID)
	str("org_name", &in.OrgName)
	str("sub", &in.Subject)
	str("iss", &in.Issuer)
	str("jti", &in.JTI)
	if err != nil {
		return nil, err
	}
	if in.Scopes, err = stringOrList(m, "scope", true); err != nil {
		return nil, err
	}
	if in.Audience, err = stringOrList(m, "aud", false); err != nil {
		return nil, err
	}
	for key, dst := range map[string]*time.Time{"exp": &in.ExpiresAt, "iat": &in.IssuedAt, "nbf": &in.NotBefore} {
		if *dst, err = epoch(m, key); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// stringOrList reads a member that is a string (space-separated when split
// is set, as "scope" is) or an array of strings.
func stringOrList(m map[string]any, key string, split bool) ([]string, error) {
	switch v := m[key].(type) {
	case nil:
		return nil, nil
	case string:
		if split {
			return strings.Fields(v), nil
		}
		if v == "" {
			return nil, nil
		}
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("%q holds a %T, want strings", key, x)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%q is a %T, want a string or an array", key, v)
	}
}

// epoch reads a NumericDate member (seconds since the epoch), which some
// servers send as a numeric string.
func epoch(m map[string]any, key string) (time.Time, error) {
	var secs float64
	switch v := m[key].(type) {
	case nil:
		return time.Time{}, nil
	case float64:
		secs = v
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%q is %q, want seconds since the epoch", key, v)
		}
		secs = f
	default:
		return time.Time{}, fmt.Errorf("%q is a %T, want a number", key, v)
	}
	if math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 || secs > 1<<40 {
		return time.Time{}, fmt.Errorf("%q is out of range", key)
	}
	whole, frac := math.Modf(secs)
	return time.Unix(int64(whole), int64(frac*1e9)), nil
}
