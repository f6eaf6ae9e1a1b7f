package asgardeo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// Sentinel errors for use with [errors.Is]. Every error returned for an HTTP
// response ([*Error], [*SCIMError], [*OAuthError]) matches the sentinel of its
// status, and OAuth2 errors also match the sentinel of their error code.
var (
	ErrBadRequest   = errors.New("asgardeo: bad request")  // HTTP 400
	ErrUnauthorized = errors.New("asgardeo: unauthorized") // HTTP 401
	ErrForbidden    = errors.New("asgardeo: forbidden")    // HTTP 403
	ErrNotFound     = errors.New("asgardeo: not found")    // HTTP 404
	ErrConflict     = errors.New("asgardeo: conflict")     // HTTP 409
	ErrRateLimited  = errors.New("asgardeo: rate limited") // HTTP 429
	ErrServer       = errors.New("asgardeo: server error") // HTTP 5xx
	ErrMalformed    = errors.New("asgardeo: malformed response body")

	ErrInvalidRequest     = errors.New("asgardeo: oauth2 invalid_request")
	ErrInvalidClient      = errors.New("asgardeo: oauth2 invalid_client")
	ErrInvalidGrant       = errors.New("asgardeo: oauth2 invalid_grant")
	ErrUnauthorizedClient = errors.New("asgardeo: oauth2 unauthorized_client")
	ErrInvalidScope       = errors.New("asgardeo: oauth2 invalid_scope")
	ErrUnsupportedGrant   = errors.New("asgardeo: oauth2 unsupported_grant_type")
	ErrAccessDenied       = errors.New("asgardeo: oauth2 access_denied")

	// ErrInvalidInput marks an argument rejected before any request was sent:
	// an organization ID that is not a UUID, an empty name, a grant type an
	// organization application may not use.
	ErrInvalidInput = errors.New("asgardeo: invalid input")
)

// maxSnippet bounds how much of an unparseable body an error keeps.
const maxSnippet = 256

// ResponseInfo is what every error built from an HTTP response carries.
type ResponseInfo struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Method and URL identify the request. The URL has no query string.
	Method, URL string
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
	// Header holds the response headers.
	Header http.Header
	// Snippet is the start of a body that could not be decoded.
	Snippet string
}

func (ri *ResponseInfo) statusSentinel() error { return statusSentinel(ri.StatusCode) }

func statusSentinel(status int) error {
	switch {
	case status == http.StatusBadRequest:
		return ErrBadRequest
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	}
	return nil
}

func (ri *ResponseInfo) where() string {
	if ri.Method == "" {
		return ""
	}
	return ri.Method + " " + ri.URL + ": "
}

// Error is an error answer of Asgardeo's REST management APIs:
//
//	{"code":"APP-60007","message":"…","description":"…","traceId":"…"}
//
// The gateway answers 401 and 403 with the same shape but a numeric code; Code
// then holds the number as a string ("401").
type Error struct {
	ResponseInfo
	// Code is the Asgardeo error code, such as "APP-60007" or "401".
	Code string
	// Message is the short error text.
	Message string
	// Description is the detailed error text.
	Description string
	// TraceID correlates the error with Asgardeo's logs.
	TraceID string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("asgardeo: ")
	b.WriteString(e.where())
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Description != "" && e.Description != e.Message {
		b.WriteString(" (" + e.Description + ")")
	}
	if e.Snippet != "" {
		b.WriteString(" body: " + strconv.Quote(e.Snippet))
	}
	if e.TraceID != "" {
		b.WriteString(" [trace " + e.TraceID + "]")
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's HTTP status.
func (e *Error) Is(target error) bool {
	return target != nil && target == e.statusSentinel() ||
		target == ErrMalformed && e.Snippet != "" && e.Code == ""
}

// SCIMError is an error answer of the SCIM2 APIs (RFC 7644 §3.12):
//
//	{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidValue","detail":"…","status":"400"}
type SCIMError struct {
	ResponseInfo
	// ScimType is the SCIM error keyword, such as "invalidValue" or "uniqueness"; it may be empty.
	ScimType string
	// Detail is the human-readable error text.
	Detail string
}

func (e *SCIMError) Error() string {
	var b strings.Builder
	b.WriteString("asgardeo: ")
	b.WriteString(e.where())
	b.WriteString("scim ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.ScimType != "" {
		b.WriteString(" " + e.ScimType)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's HTTP status, or
// [ErrMalformed] when the body was not a SCIM error (as [Error.Is] does).
func (e *SCIMError) Is(target error) bool {
	return target != nil && target == e.statusSentinel() || target == ErrMalformed && e.Snippet != ""
}

// OAuthError is an error answer of an OAuth2 endpoint (RFC 6749 §5.2):
//
//	{"error":"invalid_grant","error_description":"…"}
type OAuthError struct {
	ResponseInfo
	// Code is the RFC 6749 error code, such as "invalid_grant".
	Code string
	// Description is the server's error_description.
	Description string
	// URI is the server's error_uri.
	URI string
}

func (e *OAuthError) Error() string {
	var b strings.Builder
	b.WriteString("asgardeo: ")
	b.WriteString(e.where())
	b.WriteString("oauth2 ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Snippet != "" {
		b.WriteString(" body: " + strconv.Quote(e.Snippet))
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's OAuth2 code or HTTP status.
func (e *OAuthError) Is(target error) bool {
	if target == nil {
		return false
	}
	if target == e.statusSentinel() {
		return true
	}
	switch e.Code {
	case "invalid_request":
		return target == ErrInvalidRequest
	case "invalid_client":
		return target == ErrInvalidClient
	case "invalid_grant":
		return target == ErrInvalidGrant
	case "unauthorized_client":
		return target == ErrUnauthorizedClient
	case "invalid_scope":
		return target == ErrInvalidScope
	case "unsupported_grant_type":
		return target == ErrUnsupportedGrant
	case "access_denied":
		return target == ErrAccessDenied
	case "":
		return target == ErrMalformed && e.Snippet != ""
	}
	return false
}

// apiKind says which error shape an endpoint family speaks.
type apiKind int

const (
	kindREST apiKind = iota
	kindSCIM
	kindOAuth
)

// responseError turns a non-2xx response into a typed error. body is the
// (bounded) body already read. It never returns nil.
func responseError(kind apiKind, resp *http.Response, body []byte) error {
	ri := ResponseInfo{
		StatusCode: resp.StatusCode,
		Header:     resp.Header.Clone(),
		RetryAfter: transport.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	if resp.Request != nil {
		ri.Method = resp.Request.Method
		ri.URL = transport.RedactURL(resp.Request.URL)
	}
	trimmed := bytes.TrimSpace(body)
	isJSON := len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed)

	// Decode by shape, not by the endpoint family alone: the gateway answers
	// SCIM paths in the REST shape and vice versa (spec §7.3).
	if isJSON {
		var probe struct {
			Schemas     []string        `json:"schemas"`
			Detail      *string         `json:"detail"`
			ScimType    string          `json:"scimType"`
			Code        json.RawMessage `json:"code"`
			Message     string          `json:"message"`
			Description string          `json:"description"`
			TraceID     string          `json:"traceId"`
			OAuthCode   *string         `json:"error"`
			OAuthDesc   string          `json:"error_description"`
			OAuthURI    string          `json:"error_uri"`
		}
		if err := json.Unmarshal(trimmed, &probe); err == nil {
			switch {
			case probe.OAuthCode != nil:
				return &OAuthError{ResponseInfo: ri, Code: *probe.OAuthCode, Description: probe.OAuthDesc, URI: probe.OAuthURI}
			case probe.Detail != nil || len(probe.Schemas) > 0:
				return &SCIMError{ResponseInfo: ri, ScimType: probe.ScimType, Detail: deref(probe.Detail)}
			case len(probe.Code) > 0 || probe.Message != "":
				return &Error{ResponseInfo: ri, Code: rawCode(probe.Code), Message: probe.Message, Description: probe.Description, TraceID: probe.TraceID}
			}
		}
	}
	ri.Snippet = snippet(trimmed)
	if ri.Snippet == "" {
		ri.Snippet = "(empty body)"
	}
	switch kind {
	case kindOAuth:
		return &OAuthError{ResponseInfo: ri}
	case kindSCIM:
		return &SCIMError{ResponseInfo: ri, Detail: http.StatusText(resp.StatusCode)}
	}
	return &Error{ResponseInfo: ri, Message: http.StatusText(resp.StatusCode)}
}

// rawCode renders a JSON code that may be a string ("APP-60007") or a number (401).
func rawCode(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// snippet keeps the start of an unparseable body, valid UTF-8, for an error
// message, with the values of secret-looking members masked.
func snippet(b []byte) string {
	if len(b) > maxSnippet {
		b = b[:maxSnippet]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return maskSecrets(strings.ToValidUTF8(string(b), "?")) + "…"
	}
	return maskSecrets(strings.ToValidUTF8(string(b), "?"))
}

// secretMember matches a JSON member or form field whose name says it holds
// a secret (client_secret, clientSecret, password, access_token, token,
// code_verifier, assertion...), with its value, which may be cut short.
var secretMember = regexp.MustCompile(`(?i)("[a-z_]*(?:secret|password|token|verifier|assertion)[a-z_]*"\s*:\s*")(?:[^"\\]|\\.)*("?)` +
	`|(\b[a-z_]*(?:secret|password|token|verifier|assertion)[a-z_]*=)[^&\s"]*`)

// maskSecrets masks the values secretMember finds.
func maskSecrets(s string) string {
	return secretMember.ReplaceAllString(s, "${1}${3}REDACTED${2}")
}

// MalformedError reports a 2xx response whose body could not be decoded.
type MalformedError struct {
	ResponseInfo
	// Err is the decoding error.
	Err error
}

func (e *MalformedError) Error() string {
	if e.StatusCode == 0 && e.Snippet == "" {
		return fmt.Sprintf("asgardeo: %smalformed response: %v", e.where(), e.Err)
	}
	return fmt.Sprintf("asgardeo: %smalformed %d response: %v; body: %q", e.where(), e.StatusCode, e.Err, e.Snippet)
}

// Unwrap returns the decoding error.
func (e *MalformedError) Unwrap() error { return e.Err }

// Is matches [ErrMalformed].
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// invalidInput builds an error matching [ErrInvalidInput].
func invalidInput(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}
