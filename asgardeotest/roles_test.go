package asgardeotest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
)

func TestParseFilter(t *testing.T) {
	attrs := map[string]string{"name": "name", "audience.type": "audience.type"}
	ops := map[string]bool{"eq": true, "co": true}
	cases := []struct {
		in      string
		want    []filterTerm
		wantErr string
	}{
		{in: "name eq orders", want: []filterTerm{{"name", "eq", "orders"}}},
		{in: `NAME EQ "a b" AND audience.type co app`, want: []filterTerm{{"name", "eq", "a b"}, {"audience.type", "co", "app"}}},
		{in: `name eq "say \"hi\" and \\ bye"`, want: []filterTerm{{"name", "eq", `say "hi" and \ bye`}}},
		{in: `name eq "and"`, want: []filterTerm{{"name", "eq", "and"}}},
		{in: "name eq a or name eq b", wantErr: errFilterOr.Error()},
		{in: "id eq x", wantErr: "filtering based on attribute: id is not supported"},
		{in: "name sw x", wantErr: `filter operator "sw" is not supported`},
		{in: "name eq", wantErr: "incomplete filter expression"},
		{in: "name eq x and", wantErr: "incomplete filter expression"},
		{in: `name eq "open`, wantErr: "unterminated quoted value"},
		{in: "name eq x y", wantErr: `unexpected "y" in filter`},
		{in: `"name" eq x`, wantErr: "invalid filter expression"},
		{in: "  ", wantErr: "empty filter"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseFilter(tc.in, attrs, ops)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFilterTermMatch(t *testing.T) {
	cases := []struct {
		op, value, against string
		fold, want         bool
	}{
		{"eq", "Orders", "Orders", false, true},
		{"eq", "Orders", "orders", false, false},
		{"eq", "Orders", "orders", true, true},
		{"ne", "a", "b", false, true},
		{"co", "der", "Orders", false, true},
		{"sw", "Ord", "Orders", false, true},
		{"ew", "ers", "Orders", false, true},
		{"ge", "b", "b", false, true},
		{"gt", "b", "b", false, false},
		{"le", "b", "a", false, true},
		{"lt", "b", "c", false, false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, filterTerm{"name", tc.op, tc.value}.match(tc.against, tc.fold), "%s %s %s", tc.against, tc.op, tc.value)
	}
}

// A role created through SCIM with an application audience becomes one of
// the application's associated roles, and leaves it when deleted.
func TestApplicationAudienceRoleIsAssociatedWithTheApp(t *testing.T) {
	srv := NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	app, err := srv.AddApplication(AppSpec{Organization: org.ID, Name: "orders-portal", GrantTypes: []string{"client_credentials"}})
	require.NoError(t, err)
	ctx := context.Background()
	o, err := srv.Client().Org(org.ID)
	require.NoError(t, err)

	r, err := o.Roles().Create(ctx, &asgardeo.RoleSpec{DisplayName: "clerk", Audience: asgardeo.ApplicationAudience(app.ID)})
	require.NoError(t, err)
	got, err := o.Applications().Get(ctx, app.ID)
	require.NoError(t, err)
	require.NotNil(t, got.AssociatedRoles)
	assert.Equal(t, []asgardeo.RoleRef{{ID: r.ID, Name: "clerk"}}, got.AssociatedRoles.Roles)

	require.NoError(t, o.Roles().Delete(ctx, r.ID))
	got, err = o.Applications().Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Empty(t, got.AssociatedRoles.Roles)
	srv.store.mu.RLock()
	defer srv.store.mu.RUnlock()
	assert.Empty(t, srv.store.apps[app.ID].roleIDs)
}

// Paging from a cursor finds its place by binary search, so cursors need not
// be contiguous: other entities take sequence numbers in between.
func TestAPIResourceCursorsSkipGaps(t *testing.T) {
	srv := NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	for _, id := range []string{"https://a.example.com", "https://b.example.com", "https://c.example.com"} {
		_, err := srv.AddAPIResource(APIResourceSpec{Identifier: id})
		require.NoError(t, err)
		_, err = srv.AddApplication(AppSpec{Organization: org.ID, Name: id, GrantTypes: []string{"client_credentials"}})
		require.NoError(t, err)
	}
	o, err := srv.Client().Org(org.ID)
	require.NoError(t, err)
	var got []string
	for r, err := range o.APIResources().All(context.Background(), &asgardeo.ListAPIResourcesOptions{Limit: 1,
		Filter: asgardeo.Where("type", asgardeo.FilterEq, "BUSINESS")}) {
		require.NoError(t, err)
		got = append(got, r.Identifier)
	}
	assert.Equal(t, []string{"https://a.example.com", "https://b.example.com", "https://c.example.com"}, got)
}
