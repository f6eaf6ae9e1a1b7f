package asgardeo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

var allSentinels = []error{
	ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrServer, ErrMalformed,
	ErrInvalidRequest, ErrInvalidClient, ErrInvalidGrant, ErrUnauthorizedClient, ErrInvalidScope, ErrUnsupportedGrant,
	ErrAccessDenied, ErrInvalidInput,
}

// assertOnlySentinels checks that err matches exactly the sentinels in want.
func assertOnlySentinels(t *testing.T, err error, want ...error) {
	t.Helper()
	for _, s := range allSentinels {
		wanted := false
		for _, w := range want {
			if w == s {
				wanted = true
			}
		}
		assert.Equal(t, wanted, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
	}
}

func errorResponse(status int, body string, header ...string) (*http.Response, []byte) {
	req, _ := http.NewRequest(http.MethodPost, "https://api.asgardeo.test/t/bestcarmart/o/api/server/v1/applications?code=s3cr3t", nil)
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Request: req}, []byte(body)
}

func TestRESTError(t *testing.T) {
	resp, body := errorResponse(409, `{"code":"APP-60007","message":"Error creating application.","description":"An application with name: 'orders-portal' already exists.","traceId":"e0fbcfeb-3617-43c4-8dd0-7b7d38e13047"}`)
	err := responseError(kindREST, resp, body)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 409, e.StatusCode)
	assert.Equal(t, "APP-60007", e.Code)
	assert.Equal(t, "Error creating application.", e.Message)
	assert.Equal(t, "An application with name: 'orders-portal' already exists.", e.Description)
	assert.Equal(t, "e0fbcfeb-3617-43c4-8dd0-7b7d38e13047", e.TraceID)
	assert.Equal(t, http.MethodPost, e.Method)
	assert.Equal(t, "", e.Snippet)
	assert.NotContains(t, e.URL, "s3cr3t", "the URL is redacted")
	assertOnlySentinels(t, err, ErrConflict)
	assert.Equal(t, `asgardeo: POST https://api.asgardeo.test/t/bestcarmart/o/api/server/v1/applications?code=REDACTED: 409 APP-60007: Error creating application. (An application with name: 'orders-portal' already exists.) [trace e0fbcfeb-3617-43c4-8dd0-7b7d38e13047]`, err.Error())
}

func TestGatewayErrorWithNumericCode(t *testing.T) {
	for _, c := range []struct {
		status   int
		body     string
		sentinel error
	}{
		{401, `{"code":401,"message":"Unauthorized","description":"Authorization failure. Authorization information was invalid or missing from your request.","traceId":"t-401"}`, ErrUnauthorized},
		{403, `{"code":403,"message":"Forbidden","description":"Operation is not permitted. You do not have permissions to make this request.","traceId":"t-403"}`, ErrForbidden},
	} {
		resp, body := errorResponse(c.status, c.body, "WWW-Authenticate", `Bearer realm="asgardeo"`)
		err := responseError(kindREST, resp, body)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, c.status, e.StatusCode)
		assert.Equal(t, fmt.Sprint(c.status), e.Code)
		assert.NotEmpty(t, e.Message)
		assert.Equal(t, fmt.Sprintf("t-%d", c.status), e.TraceID)
		assert.Equal(t, `Bearer realm="asgardeo"`, e.Header.Get("WWW-Authenticate"))
		assertOnlySentinels(t, err, c.sentinel)

		// The same body on a SCIM path is still decoded by its shape.
		err = responseError(kindSCIM, resp, body)
		require.ErrorAs(t, err, &e)
		assert.Equal(t, fmt.Sprint(c.status), e.Code)
	}
}

func TestSCIMError(t *testing.T) {
	for name, body := range map[string]string{
		"string status":  `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"uniqueness","detail":"Role with name: admins already exists.","status":"409"}`,
		"numeric status": `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"uniqueness","detail":"Role with name: admins already exists.","status":409}`,
	} {
		t.Run(name, func(t *testing.T) {
			resp, b := errorResponse(409, body)
			err := responseError(kindSCIM, resp, b)
			var e *SCIMError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, 409, e.StatusCode)
			assert.Equal(t, "uniqueness", e.ScimType)
			assert.Equal(t, "Role with name: admins already exists.", e.Detail)
			assertOnlySentinels(t, err, ErrConflict)
			assert.Contains(t, err.Error(), "scim 409 uniqueness: Role with name: admins already exists.")
		})
	}
	// The gateway's SCIM-shaped 401 (numeric status, no scimType).
	resp, b := errorResponse(401, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Authorization failure.","status":401}`)
	err := responseError(kindREST, resp, b)
	var e *SCIMError
	require.ErrorAs(t, err, &e, "decoded by shape, whatever the endpoint family")
	assertOnlySentinels(t, err, ErrUnauthorized)
}

func TestOAuthError(t *testing.T) {
	codes := map[string]error{
		"invalid_request":        ErrInvalidRequest,
		"invalid_client":         ErrInvalidClient,
		"invalid_grant":          ErrInvalidGrant,
		"unauthorized_client":    ErrUnauthorizedClient,
		"invalid_scope":          ErrInvalidScope,
		"unsupported_grant_type": ErrUnsupportedGrant,
		"access_denied":          ErrAccessDenied,
	}
	for code, sentinel := range codes {
		status := 400
		statusSentinel := ErrBadRequest
		if code == "invalid_client" {
			status, statusSentinel = 401, ErrUnauthorized
		}
		resp, b := errorResponse(status, `{"error":"`+code+`","error_description":"Something about `+code+`.","error_uri":"https://example.com/e"}`)
		err := responseError(kindOAuth, resp, b)
		var e *OAuthError
		require.ErrorAs(t, err, &e)
		assert.Equal(t, status, e.StatusCode)
		assert.Equal(t, code, e.Code)
		assert.Equal(t, "Something about "+code+".", e.Description)
		assert.Equal(t, "https://example.com/e", e.URI)
		assertOnlySentinels(t, err, sentinel, statusSentinel)
		assert.Contains(t, err.Error(), "oauth2 "+fmt.Sprint(status)+" "+code+": Something about "+code+".")
	}
	// An unknown code matches only its status.
	resp, b := errorResponse(400, `{"error":"invalid_dpop_proof"}`)
	assertOnlySentinels(t, responseError(kindOAuth, resp, b), ErrBadRequest)
}

func TestUndecodableErrorBodies(t *testing.T) {
	long := strings.Repeat("é", 1000) // multi-byte, so a cut may fall inside a rune
	cases := []struct {
		name, body string
		status     int
	}{
		{"empty", "", 502},
		{"garbage", "upstream connect error or disconnect/reset before headers", 503},
		{"truncated", `{"code":"APP-60007","message":"Error creat`, 409},
		{"html", "<html><head><title>500 Internal Server Error</title></head><body>oops</body></html>", 500},
		{"json without known members", `{"unexpected":true}`, 404},
		{"json array", `["x"]`, 400},
		{"long", long, 500},
	}
	for _, c := range cases {
		for _, kind := range []apiKind{kindREST, kindSCIM, kindOAuth} {
			t.Run(fmt.Sprintf("%s/%d", c.name, kind), func(t *testing.T) {
				resp, b := errorResponse(c.status, c.body, "Retry-After", "7")
				err := responseError(kind, resp, b)
				require.Error(t, err)
				var ri ResponseInfo
				switch e := err.(type) {
				case *Error:
					require.Equal(t, kindREST, kind)
					assert.Empty(t, e.Code)
					assert.Equal(t, http.StatusText(c.status), e.Message)
					ri = e.ResponseInfo
				case *SCIMError:
					require.Equal(t, kindSCIM, kind)
					ri = e.ResponseInfo
				case *OAuthError:
					require.Equal(t, kindOAuth, kind)
					assert.Empty(t, e.Code)
					ri = e.ResponseInfo
				default:
					t.Fatalf("responseError = %T", err)
				}
				assert.Equal(t, c.status, ri.StatusCode)
				assert.Equal(t, 7*time.Second, ri.RetryAfter)
				assert.NotEmpty(t, ri.Snippet)
				assert.LessOrEqual(t, len(ri.Snippet), maxSnippet+len("…"))
				assert.True(t, strings.ToValidUTF8(ri.Snippet, "") == ri.Snippet, "the snippet is valid UTF-8")
				if c.body == "" {
					assert.Equal(t, "(empty body)", ri.Snippet)
				}
				assert.True(t, errors.Is(err, statusSentinel(c.status)))
				assert.ErrorIs(t, err, ErrMalformed, "an undecodable error body is malformed")
				assert.Less(t, len(err.Error()), 1024)
			})
		}
	}
}

func TestErrorIsMalformedOnlyWithoutCode(t *testing.T) {
	resp, b := errorResponse(500, "<html>boom</html>")
	assert.ErrorIs(t, responseError(kindREST, resp, b), ErrMalformed)
	assert.ErrorIs(t, responseError(kindOAuth, resp, b), ErrMalformed)
	assert.ErrorIs(t, responseError(kindSCIM, resp, b), ErrMalformed)
	resp, b = errorResponse(500, `{"code":"SE-50000","message":"Unexpected Processing Error."}`)
	assert.NotErrorIs(t, responseError(kindREST, resp, b), ErrMalformed)
}

func TestRetryAfterDate(t *testing.T) {
	when := time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	resp, b := errorResponse(429, `{"code":"RATE-1","message":"Too many requests"}`, "Retry-After", when)
	var e *Error
	require.ErrorAs(t, responseError(kindREST, resp, b), &e)
	assert.Greater(t, e.RetryAfter, 100*time.Second)
	assert.LessOrEqual(t, e.RetryAfter, 2*time.Minute)
	assert.ErrorIs(t, e, ErrRateLimited)
}

func TestMalformedError(t *testing.T) {
	cause := errors.New("unexpected EOF")
	err := error(&MalformedError{ResponseInfo: ResponseInfo{StatusCode: 200, Method: "GET", URL: "https://h/x", Snippet: `{"id":`}, Err: cause})
	assert.ErrorIs(t, err, ErrMalformed)
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, `asgardeo: GET https://h/x: malformed 200 response: unexpected EOF; body: "{\"id\":"`, err.Error())
}

func TestInvalidInput(t *testing.T) {
	err := invalidInput("name %q is empty", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, `asgardeo: invalid input: name "" is empty`, err.Error())
}

// TestErrorsThroughRequestPath checks that the typed errors come out of the
// real request paths (c.do and c.postForm), wrapped or not, with errors.As.
func TestErrorsThroughRequestPath(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rest":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"code":"APP-60006","message":"Application not found.","description":"Application cannot be found for the provided id: x","traceId":"tr-1"}`)
		case "/scim":
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidValue","detail":"Bad audience.","status":"400"}`)
		case "/token":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid token received."}`)
		case "/html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>bad gateway</html>")
		}
	})
	c := newTestClient(t, srv.URL, WithoutRetry())
	ctx := context.Background()

	_, err := c.do(ctx, apiRequest{method: http.MethodGet, url: srv.URL + "/rest"}, nil)
	var e *Error
	require.ErrorAs(t, fmt.Errorf("wrapped: %w", err), &e)
	assert.Equal(t, "APP-60006", e.Code)
	assert.Equal(t, "tr-1", e.TraceID)
	assert.Equal(t, srv.URL+"/rest", e.URL)
	assert.ErrorIs(t, err, ErrNotFound)

	_, err = c.do(ctx, apiRequest{method: http.MethodGet, url: srv.URL + "/scim", kind: kindSCIM}, nil)
	var se *SCIMError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "invalidValue", se.ScimType)
	assert.ErrorIs(t, err, ErrBadRequest)

	_, err = c.postForm(ctx, srv.URL+"/token", url.Values{"grant_type": {"organization_switch"}, "token": {"root-tok"}}, "id", "pw", transport.Repeatable)
	var oe *OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "invalid_grant", oe.Code)
	assert.Equal(t, "Invalid token received.", oe.Description)
	assert.ErrorIs(t, err, ErrInvalidGrant)

	_, err = c.do(ctx, apiRequest{method: http.MethodGet, url: srv.URL + "/html"}, nil)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusBadGateway, e.StatusCode)
	assert.Equal(t, "<html>bad gateway</html>", e.Snippet)
	assert.ErrorIs(t, err, ErrServer)
}

func TestDecodeToken(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tok, err := decodeToken([]byte(`{"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":3600,"scope":"a b","id_token":"x.y.z"}`), now)
	require.NoError(t, err)
	assert.Equal(t, "at", tok.AccessToken)
	assert.Equal(t, "rt", tok.RefreshToken)
	assert.Equal(t, now.Add(time.Hour), tok.Expiry)
	assert.Equal(t, []string{"a", "b"}, GrantedScopes(tok))
	assert.Equal(t, "x.y.z", IDToken(tok))

	tok, err = decodeToken([]byte(`{"access_token":"at","expires_in":"60"}`), now)
	require.NoError(t, err, "a numeric string expires_in is accepted")
	assert.Equal(t, now.Add(time.Minute), tok.Expiry)
	assert.Empty(t, GrantedScopes(tok), "no scope member: nothing granted")

	for _, body := range []string{``, `not json`, `{"access_token":"at"`, `{"token_type":"Bearer"}`, `{"access_token":""}`,
		`{"access_token":"at","expires_in":"soon"}`, `{"access_token":"at","expires_in":-1}`, `{"access_token":"at"} trailing`} {
		tok, err := decodeToken([]byte(body), now)
		assert.ErrorIs(t, err, ErrMalformed, body)
		assert.Nil(t, tok, body)
	}
	assert.Nil(t, GrantedScopes(nil))
	assert.Empty(t, IDToken(nil))
}
