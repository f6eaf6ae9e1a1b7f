package asgardeotest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, status, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"code":"SE-50000","message":"Unexpected Processing Error."}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	if contentType == "application/json" {
		h["Content-Type"] = hdrJSON
	} else {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Header values shared by every answer, so that setting them allocates
// nothing; net/http only reads them.
var (
	hdrJSON    = []string{"application/json"}
	hdrNoStore = []string{"no-store"}
	hdrNoCache = []string{"no-cache"}
)

// noStore marks an OAuth2 answer as not cacheable (RFC 6749 §5.1).
func noStore(h http.Header) {
	h["Cache-Control"] = hdrNoStore
	h["Pragma"] = hdrNoCache
}

// restError is the error body of the REST management APIs (spec §7.1).
type restError struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
	TraceID     string `json:"traceId"`
}

func writeREST(w http.ResponseWriter, status int, code, message, description string) {
	writeJSON(w, status, restError{Code: code, Message: message, Description: description, TraceID: newUUID()})
}

// scimError is the SCIM2 error body (spec §5.7); status is a string.
type scimError struct {
	Schemas  []string `json:"schemas"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
	Status   string   `json:"status"`
}

const scimErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

func writeSCIM(w http.ResponseWriter, status int, scimType, detail string) {
	writeJSONType(w, status, "application/scim+json", scimError{
		Schemas: []string{scimErrorSchema}, ScimType: scimType, Detail: detail, Status: strconv.Itoa(status),
	})
}

// oauthError is the RFC 6749 error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeOAuth(w http.ResponseWriter, status int, code, description string) {
	h := w.Header()
	noStore(h)
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="asgardeo"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

// gatewayError is the 401/403 body of the auth valve (spec §7.3): code is a number.
type gatewayError struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	Description string `json:"description"`
	TraceID     string `json:"traceId"`
}

// gatewayDeny answers 401 or 403 before any API runs, in the common shape on
// /o/api paths and in the SCIM shape on SCIM paths.
func gatewayDeny(w http.ResponseWriter, r *http.Request, status int) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="asgardeo"`)
	}
	if isSCIMPath(r.URL.Path) {
		detail := "Authorization failure. Authorization information was invalid or missing from your request."
		if status == http.StatusForbidden {
			detail = "Operation is not permitted. You do not have permissions to make this request."
		}
		writeJSONType(w, status, "application/scim+json", struct {
			Schemas []string `json:"schemas"`
			Detail  string   `json:"detail"`
			Status  int      `json:"status"`
		}{[]string{scimErrorSchema}, detail, status})
		return
	}
	body := gatewayError{Code: status, TraceID: newUUID()}
	if status == http.StatusUnauthorized {
		body.Message = "Unauthorized"
		body.Description = "Authorization failure. Authorization information was invalid or missing from your request."
	} else {
		body.Message = "Forbidden"
		body.Description = "Operation is not permitted. You do not have permissions to make this request."
	}
	writeJSON(w, status, body)
}

func isSCIMPath(p string) bool {
	return strings.HasPrefix(p, "/o/scim2/") || strings.HasPrefix(p, "/scim2/")
}

// decodeJSONBody decodes a JSON request body. On failure it answers 400
// UE-10000 (the REST shape) and returns false.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		writeREST(w, http.StatusBadRequest, "UE-10000", "Invalid Request.", "Provided request body content is not in the expected format.")
		return false
	}
	if dec.More() {
		writeREST(w, http.StatusBadRequest, "UE-10000", "Invalid Request.", "Provided request body content is not in the expected format.")
		return false
	}
	return true
}
