package asgardeo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// systemAPICount is how many organization APIs the fake defines.
const systemAPICount = 6

// apiResourcesFixture starts a fake with one organization and n business
// APIs named "Business API 01"… with identifiers https://api.example.com/NN.
func apiResourcesFixture(t *testing.T, n int) (*asgardeotest.Server, asgardeotest.Organization, *asgardeo.Org) {
	t.Helper()
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	for i := 1; i <= n; i++ {
		_, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{
			Identifier: fmt.Sprintf("https://api.example.com/%02d", i),
			Name:       fmt.Sprintf("Business API %02d", i),
			Scopes:     []string{fmt.Sprintf("api%02d:read", i), fmt.Sprintf("api%02d:write", i)},
		})
		require.NoError(t, err)
	}
	o, err := srv.Client().Org(org.ID)
	require.NoError(t, err)
	return srv, org, o
}

// scopedOrg returns the organization as seen by a client holding a token
// with exactly the given scopes.
func scopedOrg(t *testing.T, srv *asgardeotest.Server, orgID string, scopes ...string) *asgardeo.Org {
	t.Helper()
	tok, err := srv.IssueToken(orgID, scopes...)
	require.NoError(t, err)
	c, err := asgardeo.New(srv.RootOrganization(), asgardeo.WithBaseURL(srv.URL),
		asgardeo.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok})))
	require.NoError(t, err)
	o, err := c.Org(orgID)
	require.NoError(t, err)
	return o
}

// rawMgmtCall sends a management request with a bearer token, bypassing the
// SDK's own validation, and returns the status and body.
func rawMgmtCall(t *testing.T, method, url, token string, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

func apiNames(list []*asgardeo.APIResource) []string {
	out := make([]string, 0, len(list))
	for _, r := range list {
		out = append(out, r.Name)
	}
	return out
}

func TestAPIResourcesListCursorPaging(t *testing.T) {
	srv, _, o := apiResourcesFixture(t, 12)
	ctx := context.Background()
	filter := asgardeo.Where("type", asgardeo.FilterEq, asgardeo.APIResourceTypeBusiness)

	first, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Limit: 5, Filter: filter})
	require.NoError(t, err)
	assert.Equal(t, 12, first.TotalResults)
	assert.Equal(t, []string{"Business API 01", "Business API 02", "Business API 03", "Business API 04", "Business API 05"}, apiNames(first.APIResources))
	assert.Empty(t, first.PrevCursor(), "the first page has no previous link")
	require.NotEmpty(t, first.NextCursor())
	for _, l := range first.Links {
		assert.True(t, strings.HasPrefix(l.Href, srv.TenantURL()+"/o/api/server/v1/api-resources?"), "links are absolute: %s", l.Href)
		assert.Contains(t, l.Href, "filter=type+eq", "links keep the filter")
	}

	second, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Limit: 5, Filter: filter, After: first.NextCursor()})
	require.NoError(t, err)
	assert.Equal(t, []string{"Business API 06", "Business API 07", "Business API 08", "Business API 09", "Business API 10"}, apiNames(second.APIResources))
	require.NotEmpty(t, second.PrevCursor())

	last, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Limit: 5, Filter: filter, After: second.NextCursor()})
	require.NoError(t, err)
	assert.Equal(t, []string{"Business API 11", "Business API 12"}, apiNames(last.APIResources))
	assert.Empty(t, last.NextCursor(), "the last page has no next link")

	back, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Limit: 5, Filter: filter, Before: second.PrevCursor()})
	require.NoError(t, err)
	assert.Equal(t, apiNames(first.APIResources), apiNames(back.APIResources))
	assert.Empty(t, back.PrevCursor(), "paging back to the start leaves no previous link")
	assert.Equal(t, first.NextCursor(), back.NextCursor())
}

func TestAPIResourcesListDefaultsAndInheritance(t *testing.T) {
	_, _, o := apiResourcesFixture(t, 7)
	page, err := o.APIResources().List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, systemAPICount+7, page.TotalResults)
	assert.Len(t, page.APIResources, 10, "the default limit is 10")
	types := map[string]int{}
	for _, r := range page.APIResources {
		types[r.Type]++
		assert.NotEmpty(t, r.ID)
		assert.Nil(t, r.Properties, "properties only on request")
	}
	assert.Equal(t, map[string]int{"ORGANIZATION": systemAPICount, "BUSINESS": 4}, types)
}

func TestAPIResourcesAllFollowsCursors(t *testing.T) {
	srv, _, o := apiResourcesFixture(t, 9)
	var got []string
	for r, err := range o.APIResources().All(context.Background(), &asgardeo.ListAPIResourcesOptions{Limit: 4,
		Filter: asgardeo.Where("identifier", asgardeo.FilterStartsWith, "https://api.example.com/")}) {
		require.NoError(t, err)
		got = append(got, r.Identifier)
	}
	require.Len(t, got, 9)
	assert.Equal(t, "https://api.example.com/01", got[0])
	assert.Equal(t, "https://api.example.com/09", got[8])
	assert.Equal(t, 3, srv.Count(http.MethodGet, "/o/api/server/v1/api-resources"), "three pages of four")

	// Stopping early sends no further request.
	srv.ResetJournal()
	for range o.APIResources().All(context.Background(), &asgardeo.ListAPIResourcesOptions{Limit: 2}) {
		break
	}
	assert.Equal(t, 1, srv.Count(http.MethodGet, "/o/api/server/v1/api-resources"))
}

func TestAPIResourcesListFilters(t *testing.T) {
	srv, _, o := apiResourcesFixture(t, 3)
	_, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "urn:a \"quoted\" api", Name: "Odd \"name\" and more", Scopes: []string{"odd:x"}})
	require.NoError(t, err)
	ctx := context.Background()
	cases := []struct {
		name   string
		filter asgardeo.Filter
		want   []string
	}{
		{"eq with spaces and quotes", asgardeo.Where("name", asgardeo.FilterEq, `Odd "name" and more`), []string{`Odd "name" and more`}},
		{"ne", asgardeo.Where("type", asgardeo.FilterNe, "ORGANIZATION").And("name", asgardeo.FilterNe, "Business API 02"),
			[]string{"Business API 01", "Business API 03", `Odd "name" and more`}},
		{"co", asgardeo.Where("identifier", asgardeo.FilterContains, "example.com/0"), []string{"Business API 01", "Business API 02", "Business API 03"}},
		{"ew", asgardeo.Where("identifier", asgardeo.FilterEndsWith, "/02"), []string{"Business API 02"}},
		{"ge and lt", asgardeo.Where("name", asgardeo.FilterGe, "Business API 02").And("name", asgardeo.FilterLt, "Business API 03"), []string{"Business API 02"}},
		{"gt and le", asgardeo.Where("name", asgardeo.FilterGt, "Business API 01").And("name", asgardeo.FilterLe, "Business API 02"), []string{"Business API 02"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Filter: tc.filter})
			require.NoError(t, err)
			assert.Equal(t, tc.want, apiNames(page.APIResources))
			assert.Equal(t, len(tc.want), page.TotalResults)
		})
	}
}

func TestAPIResourcesWithPropertiesAsksForThem(t *testing.T) {
	srv, _, o := apiResourcesFixture(t, 1)
	page, err := o.APIResources().List(context.Background(), &asgardeo.ListAPIResourcesOptions{WithProperties: true})
	require.NoError(t, err)
	for _, r := range page.APIResources {
		assert.NotNil(t, r.Properties, "%s: properties requested", r.Name)
	}
	j := srv.Journal()
	assert.Equal(t, "attributes=properties", j[len(j)-1].Query)
}

func TestAPIResourcesGetAndScopes(t *testing.T) {
	srv, _, o := apiResourcesFixture(t, 0)
	api, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://orders.example.com/api", Name: "Orders API",
		Description: "Orders of the platform", Scopes: []string{"orders:read", "orders:write"}})
	require.NoError(t, err)
	ctx := context.Background()

	got, err := o.APIResources().Get(ctx, api.ID)
	require.NoError(t, err)
	assert.Equal(t, "Orders API", got.Name)
	assert.Equal(t, "https://orders.example.com/api", got.Identifier)
	assert.Equal(t, "Orders of the platform", got.Description)
	assert.Equal(t, asgardeo.APIResourceTypeBusiness, got.Type)
	assert.True(t, got.RequiresAuthorization)
	require.Len(t, got.Scopes, 2)
	assert.Equal(t, "orders:read", got.Scopes[0].Name)
	assert.NotEmpty(t, got.Scopes[0].ID)

	scopes, err := o.APIResources().Scopes(ctx, api.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Scopes, scopes)

	found, err := o.APIResources().SearchScopes(ctx, asgardeo.Where("name", asgardeo.FilterStartsWith, "orders:"))
	require.NoError(t, err)
	assert.Equal(t, got.Scopes, found)

	all, err := o.APIResources().SearchScopes(ctx, asgardeo.Filter{})
	require.NoError(t, err)
	assert.Greater(t, len(all), 2, "the organization APIs' scopes are there too")
}

func TestAPIResourcesErrors(t *testing.T) {
	srv, org, o := apiResourcesFixture(t, 1)
	ctx := context.Background()
	const unknown = "0f2b6c1e-7d7e-4a44-9a55-7d1c2c1b0a99"

	cases := []struct {
		name     string
		call     func(*asgardeo.Org) error
		sentinel error
		status   int
		code     string
	}{
		{"get unknown", func(o *asgardeo.Org) error { _, err := o.APIResources().Get(ctx, unknown); return err }, asgardeo.ErrNotFound, 404, "API-RESOURCE-60002"},
		{"scopes of unknown", func(o *asgardeo.Org) error { _, err := o.APIResources().Scopes(ctx, unknown); return err }, asgardeo.ErrNotFound, 404, "API-RESOURCE-60002"},
		{"unsupported filter attribute", func(o *asgardeo.Org) error {
			_, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Filter: asgardeo.Where("description", asgardeo.FilterEq, "x")})
			return err
		}, asgardeo.ErrBadRequest, 400, "API-RESOURCE-60001"},
		{"scope search by unsupported attribute", func(o *asgardeo.Org) error {
			_, err := o.APIResources().SearchScopes(ctx, asgardeo.Where("apiId", asgardeo.FilterEq, "x"))
			return err
		}, asgardeo.ErrBadRequest, 400, "API-RESOURCE-60001"},
		{"bad cursor", func(o *asgardeo.Org) error {
			_, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{After: "not base64!"})
			return err
		}, asgardeo.ErrBadRequest, 400, "API-RESOURCE-60002"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(o)
			require.ErrorIs(t, err, tc.sentinel)
			var e *asgardeo.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
		})
	}

	t.Run("missing scope is 403", func(t *testing.T) {
		weak := scopedOrg(t, srv, org.ID, "internal_org_application_mgt_view")
		_, err := weak.APIResources().List(ctx, nil)
		require.ErrorIs(t, err, asgardeo.ErrForbidden)
		_, err = weak.APIResources().Get(ctx, unknown)
		require.ErrorIs(t, err, asgardeo.ErrForbidden)
		_, err = weak.APIResources().SearchScopes(ctx, asgardeo.Filter{})
		require.ErrorIs(t, err, asgardeo.ErrForbidden)
	})

	t.Run("invalid input is refused before sending", func(t *testing.T) {
		srv.ResetJournal()
		_, err := o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Limit: -1})
		require.ErrorIs(t, err, asgardeo.ErrInvalidInput)
		_, err = o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{After: "a", Before: "b"})
		require.ErrorIs(t, err, asgardeo.ErrInvalidInput)
		_, err = o.APIResources().List(ctx, &asgardeo.ListAPIResourcesOptions{Filter: asgardeo.Where("name or", asgardeo.FilterEq, "x")})
		require.ErrorIs(t, err, asgardeo.ErrInvalidInput)
		_, err = o.APIResources().SearchScopes(ctx, asgardeo.Where("name", "in", "x"))
		require.ErrorIs(t, err, asgardeo.ErrInvalidInput)
		_, err = o.APIResources().Get(ctx, "")
		require.ErrorIs(t, err, asgardeo.ErrInvalidInput)
		assert.Zero(t, srv.Requests())
	})

	t.Run("an ID cannot change the path", func(t *testing.T) {
		_, err := o.APIResources().Get(ctx, "../applications")
		require.ErrorIs(t, err, asgardeo.ErrNotFound)
		assert.Zero(t, srv.Count(http.MethodGet, "/o/api/server/v1/applications"))
	})
}

// The fake answers what the SDK never sends (its validation stops it) with
// Asgardeo's codes.
func TestAPIResourcesFakeRejectsBadQueriesAndChanges(t *testing.T) {
	srv, org, _ := apiResourcesFixture(t, 1)
	tok, err := srv.IssueToken(org.ID, "internal_org_api_resource_view")
	require.NoError(t, err)
	base := srv.TenantURL() + "/o/api/server/v1/api-resources"
	cases := []struct {
		method, url, body string
		status            int
		code              string
	}{
		{"GET", base + "?limit=0", "", 400, "API-RESOURCE-60010"},
		{"GET", base + "?limit=-3", "", 400, "API-RESOURCE-60010"},
		{"GET", base + "?after=MQ%3D%3D&before=MQ%3D%3D", "", 400, "API-RESOURCE-60011"},
		{"GET", base + "?attributes=scopes", "", 400, "API-RESOURCE-60013"},
		{"GET", base + "?filter=name+eq+x+or+name+eq+y", "", 400, "API-RESOURCE-60001"},
		{"GET", base + "?filter=name+like+x", "", 400, "API-RESOURCE-60001"},
		{"POST", base, `{"identifier":"https://x","name":"X"}`, 400, "API-RESOURCE-60006"},
		{"PATCH", base + "/" + org.ID, `{"name":"Y"}`, 400, "API-RESOURCE-60006"},
		{"DELETE", base + "/" + org.ID, "", 400, "API-RESOURCE-60006"},
		{"PUT", base + "/" + org.ID + "/scopes", `[]`, 400, "API-RESOURCE-60006"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+strings.TrimPrefix(tc.url, base), func(t *testing.T) {
			status, body := rawMgmtCall(t, tc.method, tc.url, tok, tc.body)
			assert.Equal(t, tc.status, status)
			var e struct{ Code, Message string }
			require.NoError(t, json.Unmarshal(body, &e), string(body))
			assert.Equal(t, tc.code, e.Code)
		})
	}
}

// decodeFixtureStrict decodes a fixture, refusing members the SDK types lack.
func decodeFixtureStrict(t *testing.T, path string, out any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(out), path)
}

func TestAPIResourceFixturesDecodeStrictly(t *testing.T) {
	var list asgardeo.APIResourceList
	decodeFixtureStrict(t, "testdata/apiresources/list.json", &list)
	assert.Equal(t, 24, list.TotalResults)
	require.Len(t, list.APIResources, 1)
	assert.Equal(t, "Orders API", list.APIResources[0].Name)
	assert.Equal(t, "NDoy", list.NextCursor())
	assert.Equal(t, "NDox", list.PrevCursor())

	var one asgardeo.APIResource
	decodeFixtureStrict(t, "testdata/apiresources/get.json", &one)
	assert.Equal(t, "Orders API of the platform", one.Description)
	require.Len(t, one.Scopes, 1)
	assert.Equal(t, asgardeo.APIScope{ID: "sf23-4c1e-9a7b", Name: "orders:read", DisplayName: "Read orders", Description: "Read the orders of a store"}, one.Scopes[0])
	assert.NotNil(t, one.Properties)

	var scopes []asgardeo.APIScope
	decodeFixtureStrict(t, "testdata/apiresources/scopes.json", &scopes)
	assert.Len(t, scopes, 2)
}

func TestFilterQuotesValues(t *testing.T) {
	f := asgardeo.Where("name", asgardeo.FilterEq, `a "b" \ and name eq c`).And("type", asgardeo.FilterNe, "BUSINESS")
	require.NoError(t, f.Err())
	assert.Equal(t, `name eq "a \"b\" \\ and name eq c" and type ne "BUSINESS"`, f.String())
	assert.Empty(t, asgardeo.Filter{}.String())

	bad := asgardeo.Where("name", asgardeo.FilterEq, "")
	require.ErrorIs(t, bad.Err(), asgardeo.ErrInvalidInput)
	assert.True(t, errors.Is(bad.And("type", asgardeo.FilterEq, "x").Err(), asgardeo.ErrInvalidInput), "an error sticks")
}
