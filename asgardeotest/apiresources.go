package asgardeotest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const apiResourceView = "internal_org_api_resource_view"

// apiResourcesPath is the organization API resource collection, below /t/{root}.
const apiResourcesPath = "/o/api/server/v1/api-resources"

// routesAPIResources registers the organization's read-only view of the API
// resources it inherits from the root (spec §4).
func (s *Server) routesAPIResources() {
	s.mux.HandleFunc("GET "+apiResourcesPath, s.handleListAPIResources)
	s.mux.HandleFunc("GET "+apiResourcesPath+"/{id}", s.handleGetAPIResource)
	s.mux.HandleFunc("GET "+apiResourcesPath+"/{id}/scopes", s.handleAPIResourceScopes)
	s.mux.HandleFunc("GET /o/api/server/v1/scopes", s.handleSearchScopes)
	// Every other method on the collection or below it changes API resources,
	// which an organization may not do.
	s.mux.HandleFunc(apiResourcesPath, s.handleAPIResourceChange)
	s.mux.HandleFunc(apiResourcesPath+"/", s.handleAPIResourceChange)
}

// apiResourceJSON is an APIResourceListItem or APIResourceResponse.
type apiResourceJSON struct {
	ID                    string          `json:"id"`
	Name                  string          `json:"name"`
	Description           string          `json:"description,omitempty"`
	Identifier            string          `json:"identifier"`
	Type                  string          `json:"type"`
	RequiresAuthorization bool            `json:"requiresAuthorization"`
	Self                  string          `json:"self,omitempty"`
	Scopes                []scopeJSON     `json:"scopes,omitempty"`
	Properties            *[]propertyJSON `json:"properties,omitempty"`
}

type scopeJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Description string `json:"description,omitempty"`
}

type propertyJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type linkJSON struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

type apiResourceListJSON struct {
	TotalResults int               `json:"totalResults"`
	APIResources []apiResourceJSON `json:"APIResources"`
	Links        []linkJSON        `json:"links,omitempty"`
}

func apiResourceError(w http.ResponseWriter, status int, code, message, description string) {
	writeREST(w, status, "API-RESOURCE-"+code, message, description)
}

func (s *Server) handleAPIResourceChange(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r) == nil {
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		writeREST(w, http.StatusNotFound, "UE-10000", "Not Found", "The requested resource does not exist.")
		return
	}
	apiResourceError(w, http.StatusBadRequest, "60006", "API resource creation is restricted in organizations.",
		"API resource creation is restricted in organizations.")
}

var (
	apiResourceFilterAttrs = map[string]string{"name": "name", "identifier": "identifier", "type": "type"}
	apiResourceFilterOps   = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true, "ge": true, "le": true, "gt": true, "lt": true}
	scopeFilterAttrs       = map[string]string{"name": "name", "displayname": "displayName"}
)

func (r *apiResource) matches(terms []filterTerm) bool {
	for _, t := range terms {
		var v string
		switch t.attr {
		case "name":
			v = r.name
		case "identifier":
			v = r.identifier
		case "type":
			v = r.typ
		}
		if !t.match(v, false) {
			return false
		}
	}
	return true
}

func encodeCursor(c int64) string {
	return base64.StdEncoding.EncodeToString([]byte(strconv.FormatInt(c, 10)))
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	c, err := strconv.ParseInt(string(b), 10, 64)
	return c, err == nil && c >= 0
}

// handleListAPIResources pages through the inherited API resources with the
// cursor algorithm of spec §4.2: limit+1 rows ascending from after (or
// descending from before, then reversed), links only where there is more.
func (s *Server) handleListAPIResources(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, apiResourceView) == nil {
		return
	}
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			apiResourceError(w, http.StatusBadRequest, "60010", "Invalid limit value.", "Limit should be a positive integer.")
			return
		}
		limit = n
	}
	before, after := q.Get("before"), q.Get("after")
	if before != "" && after != "" {
		apiResourceError(w, http.StatusBadRequest, "60011", "Invalid pagination parameters.", "Both 'before' and 'after' parameters cannot be specified together.")
		return
	}
	var cursor int64
	if c := before + after; c != "" {
		var ok bool
		if cursor, ok = decodeCursor(c); !ok {
			apiResourceError(w, http.StatusBadRequest, "60002", "Invalid cursor for pagination.", "The cursor "+strconv.Quote(c)+" is not valid.")
			return
		}
	}
	withProps := false
	if a := q.Get("attributes"); a != "" {
		for _, name := range strings.Split(a, ",") {
			if strings.TrimSpace(name) != "properties" {
				apiResourceError(w, http.StatusBadRequest, "60013", "Invalid attributes.", "Attribute "+strconv.Quote(strings.TrimSpace(name))+" is not supported.")
				return
			}
		}
		withProps = true
	}
	filter := q.Get("filter")
	var terms []filterTerm
	if filter != "" {
		var err error
		if terms, err = parseFilter(filter, apiResourceFilterAttrs, apiResourceFilterOps); err != nil {
			apiResourceError(w, http.StatusBadRequest, "60001", "Invalid filter.", "Invalid filter: "+err.Error()+".")
			return
		}
	}

	st := s.store
	st.mu.RLock()
	order := st.apiOrder
	total := len(order)
	if len(terms) > 0 {
		total = 0
		for _, a := range order {
			if a.matches(terms) {
				total++
			}
		}
	}
	// Collect up to limit+1 matches from the cursor on, found by binary search.
	var page []*apiResource
	if before != "" {
		i := sort.Search(len(order), func(i int) bool { return order[i].cursor >= cursor })
		for i--; i >= 0 && len(page) <= limit; i-- {
			if order[i].matches(terms) {
				page = append(page, order[i])
			}
		}
	} else {
		i := 0
		if after != "" {
			i = sort.Search(len(order), func(i int) bool { return order[i].cursor > cursor })
		}
		for ; i < len(order) && len(page) <= limit; i++ {
			if order[i].matches(terms) {
				page = append(page, order[i])
			}
		}
	}
	more := len(page) > limit
	if more {
		page = page[:limit]
	}
	if before != "" {
		slices.Reverse(page)
	}
	body := apiResourceListJSON{TotalResults: total, APIResources: []apiResourceJSON{}}
	for _, a := range page {
		body.APIResources = append(body.APIResources, s.apiResourceItem(a, withProps))
	}
	st.mu.RUnlock()

	hasNext, hasPrev := more, after != ""
	if before != "" {
		hasNext, hasPrev = true, more
	}
	if len(page) > 0 {
		link := func(rel, key string, c int64) linkJSON {
			v := url.Values{}
			v.Set("limit", strconv.Itoa(limit))
			v.Set(key, encodeCursor(c))
			if filter != "" {
				v.Set("filter", filter)
			}
			if withProps {
				v.Set("attributes", "properties")
			}
			return linkJSON{Rel: rel, Href: s.TenantURL() + apiResourcesPath + "?" + v.Encode()}
		}
		if hasNext {
			body.Links = append(body.Links, link("next", "after", page[len(page)-1].cursor))
		}
		if hasPrev {
			body.Links = append(body.Links, link("previous", "before", page[0].cursor))
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// apiResourceItem renders a list item. Caller holds s.store.mu.
func (s *Server) apiResourceItem(a *apiResource, withProps bool) apiResourceJSON {
	item := apiResourceJSON{
		ID: a.id, Name: a.name, Identifier: a.identifier, Type: a.typ,
		RequiresAuthorization: a.requiresAuthorization,
		Self:                  "/t/" + s.store.rootName + apiResourcesPath + "/" + a.id,
	}
	if withProps {
		item.Properties = properties(a)
	}
	return item
}

func properties(a *apiResource) *[]propertyJSON {
	ps := []propertyJSON{}
	for _, p := range a.properties {
		ps = append(ps, propertyJSON(p))
	}
	return &ps
}

func scopesJSON(list []*apiScope) []scopeJSON {
	out := []scopeJSON{}
	for _, sc := range list {
		out = append(out, scopeJSON{ID: sc.id, Name: sc.name, DisplayName: sc.displayName, Description: sc.description})
	}
	return out
}

// lookupAPIResource answers 404 API-RESOURCE-60002 for an unknown ID.
// Caller holds s.store.mu.
func (s *Server) lookupAPIResource(w http.ResponseWriter, id string) *apiResource {
	a := s.store.apis[id]
	if a == nil {
		apiResourceError(w, http.StatusNotFound, "60002", "Unable to find the API resource.",
			"Unable to find the API resource with the id: "+id+" in the tenant domain: "+s.store.rootName)
	}
	return a
}

func (s *Server) handleGetAPIResource(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, apiResourceView) == nil {
		return
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	a := s.lookupAPIResource(w, r.PathValue("id"))
	if a == nil {
		return
	}
	writeJSON(w, http.StatusOK, apiResourceJSON{
		ID: a.id, Name: a.name, Description: a.description, Identifier: a.identifier, Type: a.typ,
		RequiresAuthorization: a.requiresAuthorization,
		Scopes:                scopesJSON(a.scopes),
		Properties:            properties(a),
	})
}

func (s *Server) handleAPIResourceScopes(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, apiResourceView) == nil {
		return
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	a := s.lookupAPIResource(w, r.PathValue("id"))
	if a == nil {
		return
	}
	writeJSON(w, http.StatusOK, scopesJSON(a.scopes))
}

// handleSearchScopes lists the scopes of every inherited API resource,
// optionally filtered by name or displayName.
func (s *Server) handleSearchScopes(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, apiResourceView) == nil {
		return
	}
	var terms []filterTerm
	if f := r.URL.Query().Get("filter"); f != "" {
		var err error
		if terms, err = parseFilter(f, scopeFilterAttrs, apiResourceFilterOps); err != nil {
			apiResourceError(w, http.StatusBadRequest, "60001", "Invalid filter.", "Invalid filter: "+err.Error()+".")
			return
		}
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	var found []*apiScope
	for _, a := range s.store.apiOrder {
	scopes:
		for _, sc := range a.scopes {
			for _, t := range terms {
				v := sc.name
				if t.attr == "displayName" {
					v = sc.displayName
				}
				if !t.match(v, false) {
					continue scopes
				}
			}
			found = append(found, sc)
		}
	}
	writeJSON(w, http.StatusOK, scopesJSON(found))
}
