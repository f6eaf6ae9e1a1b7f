package asgardeotest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The fuzz targets send garbage to the fake's parsers through its handler
// (no network): every answer must be a 4xx or a success, never a panic or
// a 5xx.

// fuzzWorld is a fake with one organization, an application, a role and a
// token carrying every management scope.
type fuzzWorld struct {
	srv                   *Server
	orgID, appID, roleID  string
	clientID, secret, tok string
}

func newFuzzWorld(f *testing.F) *fuzzWorld {
	f.Helper()
	srv := NewServer(f)
	o, err := srv.AddOrganization("Fuzz Org")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := srv.AddUser(o.ID, "kim", "Kim-Passw0rd"); err != nil {
		f.Fatal(err)
	}
	a, err := srv.AddApplication(AppSpec{Organization: o.ID, Name: "fuzz-web",
		GrantTypes: []string{"authorization_code", "password", "refresh_token", "client_credentials"}, CallbackURLs: []string{"https://app.example/cb"}})
	if err != nil {
		f.Fatal(err)
	}
	r, err := srv.AddRole(RoleSpec{Organization: o.ID, Name: "fuzz-role", Users: []string{"kim"}})
	if err != nil {
		f.Fatal(err)
	}
	var scopes []string
	for _, s := range []string{"view", "create", "update", "delete", "client_secret_view", "client_secret_create"} {
		scopes = append(scopes, "internal_org_application_mgt_"+s)
	}
	for _, s := range []string{"view", "create", "update", "delete", "permissions_update", "users_update", "groups_update"} {
		scopes = append(scopes, "internal_org_role_mgt_"+s)
	}
	scopes = append(scopes, "internal_org_api_resource_view", "internal_org_application_internal_api_update", "internal_org_application_business_api_update")
	tok, err := srv.IssueToken(o.ID, scopes...)
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzWorld{srv: srv, orgID: o.ID, appID: a.ID, roleID: r.ID, clientID: a.ClientID, secret: a.ClientSecret, tok: tok}
}

// serve sends one request to the fake's handler and fails on a 5xx.
func (w *fuzzWorld) serve(t *testing.T, method, target, contentType, body string, auth bool) int {
	t.Helper()
	req := httptest.NewRequest(method, "http://fake.test"+target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+w.tok)
	}
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s with body %q: status %d: %s", method, target, body, rec.Code, rec.Body.String())
	}
	return rec.Code
}

func (w *fuzzWorld) tenant(p string) string { return "/t/" + w.srv.RootOrganization() + p }

// FuzzTokenForm posts fuzzed form bodies, with the application's Basic
// credentials, to the organization's token endpoint.
func FuzzTokenForm(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []string{
		"grant_type=client_credentials&scope=openid",
		"grant_type=password&username=kim&password=Kim-Passw0rd&scope=openid%20read",
		"grant_type=refresh_token&refresh_token=x",
		"grant_type=authorization_code&code=abc&code_verifier=" + strings.Repeat("a", 43),
		"grant_type=organization_switch&token=t&switching_organization=x",
		"grant_type=a&grant_type=b",
		"%zz=1", "a=%", ";;;", "scope=%00%ff", strings.Repeat("k=v&", 100), "",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, basic bool) {
		req := httptest.NewRequest(http.MethodPost, "http://fake.test"+w.tenant("/o/"+w.orgID+"/oauth2/token"), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(w.clientID, w.secret)
		}
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("body %q: status %d: %s", body, rec.Code, rec.Body.String())
		}
		for _, path := range []string{"/o/" + w.orgID + "/oauth2/introspect", "/o/" + w.orgID + "/oauth2/revoke"} {
			req := httptest.NewRequest(http.MethodPost, "http://fake.test"+w.tenant(path), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(w.clientID, w.secret)
			rec := httptest.NewRecorder()
			w.srv.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s body %q: status %d", path, body, rec.Code)
			}
		}
	})
}

// FuzzAppsJSON sends fuzzed JSON bodies to the application API's create,
// patch, OIDC replace and API authorization endpoints.
func FuzzAppsJSON(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []string{
		`{"name":"a1","templateId":"m2m-application","inboundProtocolConfiguration":{"oidc":{"grantTypes":["client_credentials"]}}}`,
		`{"name":"web","inboundProtocolConfiguration":{"oidc":{"grantTypes":["authorization_code"],"callbackURLs":["https://x/cb"],"publicClient":true,"pkce":{"mandatory":true}}}}`,
		`{"description":"d","associatedRoles":{"allowedAudience":"APPLICATION","roles":[{"id":"x"}]},"claimConfiguration":{"requestedClaims":[{"claim":{"uri":"http://wso2.org/claims/email"}}]}}`,
		`{"grantTypes":["password","refresh_token"],"accessToken":{"type":"JWT","applicationAccessTokenExpiryInSeconds":-1}}`,
		`{"id":"x","policyIdentifier":"RBAC","scopes":["a"]}`,
		`{"addedScopes":["a"],"removedScopes":null}`,
		`{"authenticationSequence":{"type":"USER_DEFINED","steps":[{"id":0,"options":[{"idp":"LOCAL","authenticator":"x"}]}]}}`,
		`{"advancedConfigurations":{"skipLoginConsent":true,"fragment":true}}`,
		`{"name":null}`, `[]`, `null`, `{"name":1e999}`, `{"name":"\ud800"}`, `{`, ``, `{"a":{"b":{"c":[[[[]]]]}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		apps := "/o/api/server/v1/applications"
		w.serve(t, http.MethodPost, w.tenant(apps), "application/json", body, true)
		w.serve(t, http.MethodPatch, w.tenant(apps+"/"+w.appID), "application/json", body, true)
		w.serve(t, http.MethodPut, w.tenant(apps+"/"+w.appID+"/inbound-protocols/oidc"), "application/json", body, true)
		w.serve(t, http.MethodPost, w.tenant(apps+"/"+w.appID+"/authorized-apis"), "application/json", body, true)
		w.serve(t, http.MethodPost, w.tenant("/o/scim2/v2/Roles"), "application/scim+json", body, true)
	})
}

// FuzzRolesPatch sends fuzzed SCIM PATCH bodies to a role.
func FuzzRolesPatch(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"users","value":[{"value":"x"}]}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"users[value eq \"x\"]"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"n"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"displayName":"n","permissions":[{"value":"a"}]}}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"permissions[value eq ]"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"groups["}]}`,
		`{"Operations":null}`, `{"Operations":[{}]}`, `{`, `[]`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		role := w.tenant("/o/scim2/v2/Roles/" + w.roleID)
		w.serve(t, http.MethodPatch, role, "application/scim+json", body, true)
		w.serve(t, http.MethodPut, role, "application/scim+json", body, true)
		w.serve(t, http.MethodPost, w.tenant("/o/scim2/v2/Roles/.search"), "application/scim+json", body, true)
	})
}

// FuzzAppFilter lists applications with fuzzed filters (and/or, quotes).
func FuzzAppFilter(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []string{
		`name eq fuzz-web`, `name sw "fuzz" and clientId co "a"`, `name ew web or issuer eq x`,
		`name eq "a \" b"`, `name eq "unterminated`, `and or`, `(name eq x)`, `name eq`, `eq eq eq`, ``,
		`name eq "x" and`, `name eq "\\"`, strings.Repeat("name eq x and ", 50) + "name eq y",
	} {
		f.Add(s, "10", "0")
	}
	f.Fuzz(func(t *testing.T, filter, limit, offset string) {
		q := url.Values{"filter": {filter}, "limit": {limit}, "offset": {offset}}.Encode()
		w.serve(t, http.MethodGet, w.tenant("/o/api/server/v1/applications")+"?"+q, "", "", true)
	})
}

// FuzzResourceFilter lists API resources, scopes and roles with fuzzed
// filters and cursors.
func FuzzResourceFilter(f *testing.F) {
	w := newFuzzWorld(f)
	for _, s := range []string{
		`identifier eq https://x`, `name sw "Stores"`, `type eq BUSINESS and name co a`, `name eq a or name eq b`,
		`displayName eq fuzz-role`, `audience.value eq x`, `name eq "a \" b"`, `"`, `eq`, ``,
	} {
		f.Add(s, "", "5")
		f.Add(s, "Mg==", "-1")
	}
	f.Fuzz(func(t *testing.T, filter, cursor, limit string) {
		q := url.Values{"filter": {filter}, "after": {cursor}, "before": {cursor}, "limit": {limit}}.Encode()
		w.serve(t, http.MethodGet, w.tenant("/o/api/server/v1/api-resources")+"?"+q, "", "", true)
		w.serve(t, http.MethodGet, w.tenant("/o/api/server/v1/scopes")+"?"+url.Values{"filter": {filter}}.Encode(), "", "", true)
		rq := url.Values{"filter": {filter}, "count": {limit}, "startIndex": {limit}, "cursor": {cursor}}.Encode()
		w.serve(t, http.MethodGet, w.tenant("/o/scim2/v2/Roles")+"?"+rq, "", "", true)
	})
}
