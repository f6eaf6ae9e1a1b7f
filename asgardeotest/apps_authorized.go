package asgardeotest

import (
	"net/http"
	"strings"
)

// --- authorized APIs (spec §3.9) --------------------------------------------

type authorizedScopeView struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type authorizedAPIView struct {
	ID               string                `json:"id"`
	Identifier       string                `json:"identifier"`
	DisplayName      string                `json:"displayName"`
	PolicyID         string                `json:"policyId"`
	Type             string                `json:"type"`
	AuthorizedScopes []authorizedScopeView `json:"authorizedScopes"`
}

func (s *Server) handleListAuthorizedAPIs(w http.ResponseWriter, r *http.Request) {
	s.readApp(w, r, scopeAppView, func(_ *caller, a *app) {
		st := s.store
		out := []authorizedAPIView{}
		for _, z := range a.credentialsApp().authorized {
			api := st.apis[z.apiID]
			if api == nil {
				continue
			}
			v := authorizedAPIView{ID: api.id, Identifier: api.identifier, DisplayName: api.name, PolicyID: z.policy, Type: api.typ,
				AuthorizedScopes: []authorizedScopeView{}}
			for _, name := range z.scopes {
				if sc := api.scope(name); sc != nil {
					v.AuthorizedScopes = append(v.AuthorizedScopes, authorizedScopeView{sc.name, sc.displayName})
				}
			}
			out = append(out, v)
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// authorizedAPITarget resolves the application and API resource of an
// authorized-apis change and checks the type-specific scope (spec §3.9).
// Caller holds s.store.mu.
func (s *Server) authorizedAPITarget(w http.ResponseWriter, r *http.Request, c *caller, apiID string) (*app, *apiResource) {
	a := s.ownApp(w, r, c)
	if a == nil {
		return nil, nil
	}
	api := s.store.apis[apiID]
	if api == nil {
		writeREST(w, http.StatusBadRequest, "APP-60507", "API resource not found.", "API resource not found for the given id: "+apiID)
		return nil, nil
	}
	need := scopeInternalAPI
	if api.typ == "BUSINESS" || api.typ == "MCP" {
		need = scopeBusinessAPI
	}
	if !c.has(need) {
		writeREST(w, http.StatusForbidden, "APP-60520", "Operation is not permitted.", "Operation is not permitted. You do not have permissions to make this request.")
		return nil, nil
	}
	return a, api
}

func errUnknownScopes(api *apiResource, names []string) *appError {
	return &appError{http.StatusBadRequest, "APP-60508", "Scopes not found.",
		"One or more scopes " + strings.Join(names, ", ") + " are not found for the API resource: " + api.identifier}
}

func (s *Server) handleAuthorizeAPI(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	var body struct {
		ID               string   `json:"id"`
		PolicyIdentifier string   `json:"policyIdentifier"`
		Scopes           []string `json:"scopes"`
	}
	if !decodeJSONBody(w, r, &body) {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a, api := s.authorizedAPITarget(w, r, c, body.ID)
	if a == nil {
		return
	}
	var policy string
	switch p := strings.TrimSpace(body.PolicyIdentifier); {
	case p == "" || strings.EqualFold(p, "RBAC"):
		policy = "RBAC"
	case strings.EqualFold(p, "No Policy"):
		policy = "NO POLICY"
	default:
		writeREST(w, http.StatusBadRequest, "APP-60511", "Invalid policy identifier.", "Policy identifier "+p+" is not supported.")
		return
	}
	if api.requiresAuthorization && policy != "RBAC" {
		writeREST(w, http.StatusBadRequest, "APP-60512", "Policy type not allowed.", "The API resource requires authorization; only RBAC is allowed.")
		return
	}
	var unknown, scopes []string
	for _, sc := range body.Scopes {
		switch {
		case api.scope(sc) == nil:
			unknown = append(unknown, sc)
		case !containsString(scopes, sc):
			scopes = append(scopes, sc)
		}
	}
	if len(unknown) > 0 {
		errUnknownScopes(api, unknown).write(w)
		return
	}
	if a.authorization(api.id) != nil {
		writeREST(w, http.StatusConflict, "APP-60509", "API already authorized.", "The API resource "+api.identifier+" is already authorized for the application.")
		return
	}
	a.authorized = append(a.authorized, &authorization{apiID: api.id, policy: policy, scopes: scopes})
	// Asgardeo's code answers 200 with no body (its documentation says 201).
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handlePatchAuthorizedAPI(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	var body struct {
		AddedScopes   []string `json:"addedScopes"`
		RemovedScopes []string `json:"removedScopes"`
	}
	if !decodeJSONBody(w, r, &body) {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a, api := s.authorizedAPITarget(w, r, c, r.PathValue("apiId"))
	if a == nil {
		return
	}
	z := a.authorization(api.id)
	if z == nil {
		writeREST(w, http.StatusBadRequest, "APP-60510", "API not authorized.", "The API resource "+api.identifier+" is not authorized for the application.")
		return
	}
	var unknown []string
	for _, sc := range body.AddedScopes {
		if api.scope(sc) == nil {
			unknown = append(unknown, sc)
		}
	}
	if len(unknown) > 0 {
		errUnknownScopes(api, unknown).write(w)
		return
	}
	next := []string{}
	for _, sc := range z.scopes {
		if !containsString(body.RemovedScopes, sc) {
			next = append(next, sc)
		}
	}
	for _, sc := range body.AddedScopes {
		if !containsString(body.RemovedScopes, sc) && !containsString(next, sc) {
			next = append(next, sc)
		}
	}
	z.scopes = next
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleDeleteAuthorizedAPI(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a, api := s.authorizedAPITarget(w, r, c, r.PathValue("apiId"))
	if a == nil {
		return
	}
	// Removing an authorization that does not exist succeeds too: the
	// server's delete does not check for it first.
	for i, z := range a.authorized {
		if z.apiID == api.id {
			a.authorized = append(a.authorized[:i:i], a.authorized[i+1:]...)
			break
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
