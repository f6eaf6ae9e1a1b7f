package asgardeo

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzResponseError decodes fuzzed error bodies of every endpoint family:
// the result is always a typed error matching the sentinel of its status,
// and its message is valid UTF-8 of bounded length.
func FuzzResponseError(f *testing.F) {
	for _, s := range []string{
		`{"code":"APP-60007","message":"Conflict","description":"exists","traceId":"t-1"}`,
		`{"code":401,"message":"Unauthorized","description":"no token"}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidValue","detail":"bad","status":"400"}`,
		`{"error":"invalid_grant","error_description":"expired","error_uri":"https://x"}`,
		`{"error":null}`, `{"detail":null}`, `{"code":{"a":1}}`, `{"code":1e999}`, `[]`, `null`, `<html>`, ``, "\xff\xfe",
		`{"error":"` + strings.Repeat("é", 300) + `"}`,
	} {
		f.Add(400, s, 0)
		f.Add(503, s, 1)
		f.Add(401, s, 2)
	}
	f.Fuzz(func(t *testing.T, status int, body string, kind int) {
		if status < 100 || status > 999 {
			status = 400 + (status%200+200)%200
		}
		k := []apiKind{kindREST, kindSCIM, kindOAuth}[(kind%3+3)%3]
		u, _ := url.Parse("https://api.asgardeo.io/t/bestcarmart/oauth2/token")
		resp := &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {body}}, Request: &http.Request{Method: http.MethodPost, URL: u}}
		err := responseError(k, resp, []byte(body))
		if err == nil {
			t.Fatal("nil error")
		}
		msg := err.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("message is not UTF-8: %q", msg)
		}
		if len(msg) > 4*len(body)+2*maxSnippet+512 {
			t.Fatalf("message of %d bytes for a body of %d", len(msg), len(body))
		}
		if s := statusSentinel(status); s != nil && !errors.Is(err, s) {
			t.Fatalf("%v does not match the sentinel of status %d", err, status)
		}
		var e *Error
		var se *SCIMError
		var oe *OAuthError
		if !errors.As(err, &e) && !errors.As(err, &se) && !errors.As(err, &oe) {
			t.Fatalf("untyped error %T", err)
		}
	})
}

// FuzzDecodeToken decodes fuzzed token responses: a token without an
// access token or with an expiry in the past is never returned.
func FuzzDecodeToken(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"Bearer","expires_in":3600,"scope":"openid read","refresh_token":"r","id_token":"i"}`,
		`{"access_token":"a","expires_in":"3600"}`, `{"access_token":"a","expires_in":-1}`, `{"access_token":"a","expires_in":1e99}`,
		`{"access_token":"a","expires_in":"9223372036854775807"}`, `{"access_token":"","expires_in":1}`, `{"access_token":1}`,
		`{"access_token":"a"} {}`, `{"access_token":"a","scope":null}`, `{`, ``, `null`, `[]`,
	} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		tok, err := decodeToken([]byte(body), now)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not match ErrMalformed", err)
			}
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatal("a token without an access token")
		}
		if !tok.Expiry.IsZero() && tok.Expiry.Before(now) {
			t.Fatalf("expiry %v before now", tok.Expiry)
		}
		_ = GrantedScopes(tok)
		_ = IDToken(tok)
	})
}

// FuzzIntrospection decodes fuzzed introspection answers: "active" must be
// a boolean, and a decoded answer reports it faithfully.
func FuzzIntrospection(f *testing.F) {
	for _, s := range []string{
		`{"active":true,"scope":"a b","client_id":"c","username":"kim@org","token_type":"Bearer","exp":1700000000,"iat":1699996400,"nbf":"1699996400","aud":["c"],"aut":"APPLICATION_USER","org_id":"o","org_name":"n","sub":"s","iss":"i","jti":"j"}`,
		`{"active":false}`, `{"active":"true"}`, `{}`, `{"active":true,"exp":1e300}`, `{"active":true,"exp":-1}`, `{"active":true,"exp":"NaN"}`,
		`{"active":true,"aud":"c"}`, `{"active":true,"aud":[1]}`, `{"active":true,"scope":["a",2]}`, `{"active":true,"client_id":5}`, `[]`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var raw map[string]any
		if decodeJSON([]byte(body), &raw) != nil {
			return
		}
		in, err := introspectionFromClaims(raw)
		if err != nil {
			return
		}
		if in.Active != raw["active"].(bool) {
			t.Fatalf("Active %t, answer %v", in.Active, raw["active"])
		}
		for _, s := range in.Scopes {
			if s == "" || strings.ContainsAny(s, " \t\n") {
				t.Fatalf("scope %q", s)
			}
		}
	})
}

// FuzzEscapeSegment builds URLs with a fuzzed path segment: the segment
// never changes the path's structure (segment count), never adds a query
// or fragment, and decodes back to itself.
func FuzzEscapeSegment(f *testing.F) {
	for _, s := range []string{
		"5b0c3e1a-0000-4000-8000-000000000000", "..", ".", "a/b", "../../oauth2/token", "%2e%2e", "a?b=c", "a#b", "a b",
		"é", "\x00", "\xff", "a%2Fb", ";", "@", "//evil.example", "\\..\\", "%", "+", "",
	} {
		f.Add(s)
	}
	c, err := New("bestcarmart", WithBaseURL("https://api.asgardeo.io/prefix"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		raw := c.tenantURL("o", "api", escapeSegment(seg), "inbound-protocols")
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || u.Host != "api.asgardeo.io" {
			t.Fatalf("%q: the segment changed the URL: %+v", raw, u)
		}
		parts := strings.Split(u.EscapedPath(), "/")
		// "", prefix, t, bestcarmart, o, api, {seg}, inbound-protocols
		if len(parts) != 8 {
			t.Fatalf("%q: %d path segments, want 8", raw, len(parts))
		}
		got, err := url.PathUnescape(parts[6])
		if err != nil || got != seg {
			t.Fatalf("%q: segment decodes to %q (%v), want %q", raw, got, err, seg)
		}
		if parts[6] == "." || parts[6] == ".." {
			t.Fatalf("%q: a dot segment", raw)
		}
	})
}

// TestSnippetMasksSecrets: the start of an undecodable body kept in an
// error never holds the value of a secret-looking member, even cut short.
func TestSnippetMasksSecrets(t *testing.T) {
	for _, tc := range []struct{ body, secret, kept string }{
		{`{"access_token":"tok-123456","token_type":"Bearer"`, "tok-123456", `"access_token":"REDACTED"`},
		{`{"clientSecret":"sec-123456"}`, "sec-123456", `"clientSecret":"REDACTED"`},
		{`{"client_secret" : "sec-\"quoted\"-123456", "name":"app"}`, "quoted", `"name":"app"`},
		{`{"refresh_token":"cut-short-123456`, "cut-short-123456", `"refresh_token":"REDACTED`},
		{`access_token=form-123456&token_type=Bearer&scope=a`, "form-123456", `scope=a`},
		{`{"active":"yes","token":"intro-123456"}`, "intro-123456", `"active":"yes"`},
		{`{"password":"pw-123456","code":"APP-60001"}`, "pw-123456", `"code":"APP-60001"`},
		{`{"id_token":"` + strings.Repeat("x", 300) + `"}`, strings.Repeat("x", 20), `"id_token":"REDACTED`},
	} {
		got := snippet([]byte(tc.body))
		if strings.Contains(got, tc.secret) || !strings.Contains(got, tc.kept) {
			t.Errorf("snippet(%.40q) = %q", tc.body, got)
		}
	}
	_, err := New("bestcarmart", WithBaseURL("https://user:pa%zzss@api.asgardeo.io"))
	if err == nil || strings.Contains(err.Error(), "pa%zzss") {
		t.Errorf("New with a bad base URL: %v", err)
	}
}
