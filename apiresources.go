package asgardeo

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// APIResourcesService reads the API resources an organization inherits from
// its root organization: the organization APIs Asgardeo defines (type
// ORGANIZATION) and the business APIs of the root (type BUSINESS or MCP).
// They are read-only in an organization: Asgardeo refuses to create, change
// or delete them there (400 API-RESOURCE-60006), so the service has no such
// methods. Every call needs the internal_org_api_resource_view scope.
type APIResourcesService struct {
	o *Org
}

// APIResources returns the service for the organization's API resources.
func (o *Org) APIResources() *APIResourcesService { return &APIResourcesService{o: o} }

// API resource types.
const (
	APIResourceTypeBusiness     = "BUSINESS"
	APIResourceTypeMCP          = "MCP"
	APIResourceTypeOrganization = "ORGANIZATION"
	APIResourceTypeSystem       = "SYSTEM"
	APIResourceTypeTenant       = "TENANT"
)

// APIResource is an API resource and, from [APIResourcesService.Get], its
// scopes.
type APIResource struct {
	// ID identifies the resource; use it to authorize an application.
	ID string `json:"id"`
	// Name is the display name, such as "Orders API".
	Name string `json:"name"`
	// Identifier is the resource's audience, such as "https://orders.example.com/api".
	Identifier string `json:"identifier"`
	// Description is set on [APIResourcesService.Get] when the resource has one.
	Description string `json:"description,omitempty"`
	// Type is one of the APIResourceType constants (or a console type).
	Type string `json:"type"`
	// RequiresAuthorization says whether applications must use the RBAC
	// policy for this API.
	RequiresAuthorization bool `json:"requiresAuthorization"`
	// Self is the resource's path, as list entries carry it.
	Self string `json:"self,omitempty"`
	// Scopes are the resource's scopes (only from Get).
	Scopes []APIScope `json:"scopes,omitempty"`
	// Properties are the resource's properties: from Get, and from List with
	// WithProperties.
	Properties []APIResourceProperty `json:"properties,omitempty"`
	// SubscribedApplications is documented by Asgardeo but not populated.
	SubscribedApplications []SubscribedApplication `json:"subscribedApplications,omitempty"`
}

// APIScope is a scope of an API resource.
type APIScope struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
}

// APIResourceProperty is a name/value property of an API resource.
type APIResourceProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SubscribedApplication is an application authorized to an API resource.
type SubscribedApplication struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// ListAPIResourcesOptions narrow and page [APIResourcesService.List].
type ListAPIResourcesOptions struct {
	// Limit is the page size; 0 means Asgardeo's default (10). A negative
	// value is rejected before sending.
	Limit int
	// After and Before are cursors from [APIResourceList.NextCursor] and
	// [APIResourceList.PrevCursor]; at most one may be set.
	After, Before string
	// Filter selects resources by the attributes name, identifier and type,
	// with any [FilterOp].
	Filter Filter
	// WithProperties asks for each resource's properties (attributes=properties).
	WithProperties bool
}

// APIResourceList is one page of API resources.
type APIResourceList struct {
	// TotalResults is the number of resources matching the filter.
	TotalResults int `json:"totalResults"`
	// APIResources is this page.
	APIResources []*APIResource `json:"APIResources"`
	// Links holds the "next" and "previous" links, each present only when
	// there is such a page.
	Links []Link `json:"links,omitempty"`
}

// NextCursor returns the cursor of the next page (the after parameter of
// the "next" link), or "" on the last page.
func (l *APIResourceList) NextCursor() string { return l.cursor("next", "after") }

// PrevCursor returns the cursor of the previous page (the before parameter
// of the "previous" link), or "" on the first page.
func (l *APIResourceList) PrevCursor() string { return l.cursor("previous", "before") }

func (l *APIResourceList) cursor(rel, param string) string {
	for _, lk := range l.Links {
		if lk.Rel != rel {
			continue
		}
		if u, err := url.Parse(lk.Href); err == nil {
			return u.Query().Get(param)
		}
	}
	return ""
}

// FilterOp is a comparison operator of a [Filter].
type FilterOp string

// Filter operators. The API resource list accepts all of them; the role list
// and the scope search accept eq, ne, co, sw and ew.
const (
	FilterEq         FilterOp = "eq"
	FilterNe         FilterOp = "ne"
	FilterContains   FilterOp = "co"
	FilterStartsWith FilterOp = "sw"
	FilterEndsWith   FilterOp = "ew"
	FilterGe         FilterOp = "ge"
	FilterLe         FilterOp = "le"
	FilterGt         FilterOp = "gt"
	FilterLt         FilterOp = "lt"
)

// Filter is a filter of the API resource list, the scope search or the role
// list: conditions joined by "and" (Asgardeo supports no "or" there). Values
// are always quoted, so user input cannot change the filter's structure.
// The zero value matches everything. Build one with [Where]:
//
//	asgardeo.Where("type", asgardeo.FilterEq, "BUSINESS").And("name", asgardeo.FilterStartsWith, userInput)
type Filter struct {
	conds []string
	err   error
}

// Where returns the filter "attr op value".
func Where(attr string, op FilterOp, value string) Filter { return Filter{}.And(attr, op, value) }

// And adds the condition "attr op value".
func (f Filter) And(attr string, op FilterOp, value string) Filter {
	if f.err != nil {
		return f
	}
	if !isFilterAttr(attr) {
		return Filter{err: invalidInput("filter attribute %q", attr)}
	}
	switch op {
	case FilterEq, FilterNe, FilterContains, FilterStartsWith, FilterEndsWith, FilterGe, FilterLe, FilterGt, FilterLt:
	default:
		return Filter{err: invalidInput("filter operator %q", string(op))}
	}
	q, err := quoteFilterValue(value)
	if err != nil {
		return Filter{err: err}
	}
	return Filter{conds: append(append([]string(nil), f.conds...), attr+" "+string(op)+" "+q)}
}

// Err returns the reason the filter cannot be sent, if any.
func (f Filter) Err() error { return f.err }

// String renders the filter as sent in the filter query parameter.
func (f Filter) String() string {
	if f.err != nil {
		return ""
	}
	return strings.Join(f.conds, " and ")
}

// isFilterAttr accepts attribute names such as "name" or "audience.value".
func isFilterAttr(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// List returns one page of the organization's API resources, oldest first,
// starting at the cursor opts names (the first page when it names none).
func (s *APIResourcesService) List(ctx context.Context, opts *ListAPIResourcesOptions) (*APIResourceList, error) {
	q := url.Values{}
	if opts != nil {
		if opts.Limit < 0 {
			return nil, invalidInput("API resource list limit %d: want a positive number, or 0 for the default", opts.Limit)
		}
		if opts.After != "" && opts.Before != "" {
			return nil, invalidInput("API resource list: set After or Before, not both")
		}
		if opts.Limit > 0 {
			q.Set("limit", strconv.Itoa(opts.Limit))
		}
		if opts.After != "" {
			q.Set("after", opts.After)
		}
		if opts.Before != "" {
			q.Set("before", opts.Before)
		}
		if err := opts.Filter.Err(); err != nil {
			return nil, err
		}
		if f := opts.Filter.String(); f != "" {
			q.Set("filter", f)
		}
		if opts.WithProperties {
			q.Set("attributes", "properties")
		}
	}
	var out APIResourceList
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.o.mgmtURL("api-resources"), query: q, kind: kindREST,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// All iterates over every API resource matching opts, following the next
// cursors from opts.After (opts.Before is ignored). It stops at the first
// error, which it yields.
func (s *APIResourcesService) All(ctx context.Context, opts *ListAPIResourcesOptions) iter.Seq2[*APIResource, error] {
	return func(yield func(*APIResource, error) bool) {
		var o ListAPIResourcesOptions
		if opts != nil {
			o = *opts
		}
		o.Before = ""
		for {
			page, err := s.List(ctx, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page.APIResources {
				if !yield(r, nil) {
					return
				}
			}
			next := page.NextCursor()
			if next == "" || len(page.APIResources) == 0 || next == o.After {
				return
			}
			o.After = next
		}
	}
}

// Get returns the API resource with the given ID, with its scopes and
// properties. An unknown ID is an [*Error] matching [ErrNotFound]
// (API-RESOURCE-60002).
func (s *APIResourcesService) Get(ctx context.Context, id string) (*APIResource, error) {
	if id == "" {
		return nil, invalidInput("empty API resource ID")
	}
	var out APIResource
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.o.mgmtURL("api-resources", escapeSegment(id)), kind: kindREST,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Scopes returns the scopes of the API resource with the given ID.
func (s *APIResourcesService) Scopes(ctx context.Context, id string) ([]APIScope, error) {
	if id == "" {
		return nil, invalidInput("empty API resource ID")
	}
	var out []APIScope
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.o.mgmtURL("api-resources", escapeSegment(id), "scopes"), kind: kindREST,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SearchScopes returns the scopes of every inherited API resource that match
// filter, such as asgardeo.Where("name", asgardeo.FilterContains, "orders");
// the zero Filter returns them all.
func (s *APIResourcesService) SearchScopes(ctx context.Context, filter Filter) ([]APIScope, error) {
	if err := filter.Err(); err != nil {
		return nil, err
	}
	q := url.Values{}
	if f := filter.String(); f != "" {
		q.Set("filter", f)
	}
	var out []APIScope
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.o.mgmtURL("scopes"), query: q, kind: kindREST,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return out, nil
}
