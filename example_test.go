package asgardeo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// demoOrg is the organization of asgardeotest.DemoSeed.
const demoOrg = "7e98b86f-63c7-41a1-8c56-c909a21a2615"

// startDemo starts the fake with the demo seed; the examples use it in place
// of the Asgardeo cloud.
func startDemo() *asgardeotest.Server {
	srv, err := asgardeotest.Start(asgardeotest.WithSeed(asgardeotest.DemoSeed()))
	if err != nil {
		panic(err)
	}
	return srv
}

// The story of the package: create an M2M application in an organization,
// authorize it to two of an API's three scopes, and get a token with its
// new credentials. The token carries only what was authorized.
func Example() {
	srv := startDemo()
	defer srv.Close()
	ctx := context.Background()

	// Against the cloud: asgardeo.New("bestcarmart", asgardeo.WithCredentials(id, secret)).
	client := srv.Client()
	defer client.Close()
	org, err := client.Org(demoOrg)
	if err != nil {
		panic(err)
	}

	app, err := org.Applications().Create(ctx, asgardeo.NewM2MApplication("inventory-report"))
	if err != nil {
		panic(err)
	}
	var storesAPI *asgardeo.APIResource
	for api, err := range org.APIResources().All(ctx, &asgardeo.ListAPIResourcesOptions{Filter: asgardeo.Where("identifier", asgardeo.FilterEq, "stores_api")}) {
		if err != nil {
			panic(err)
		}
		storesAPI = api
	}
	if err := org.Applications().AuthorizeAPI(ctx, app.ID, storesAPI.ID, asgardeo.PolicyRBAC, "read_stores", "write_stores"); err != nil {
		panic(err)
	}

	ts := org.Tokens().ForApp(app.ClientID, app.ClientSecret).ClientCredentials("read_stores", "write_stores", "delete_stores")
	tok, err := ts.Token()
	if err != nil {
		panic(err)
	}
	fmt.Println("granted:", strings.Join(asgardeo.GrantedScopes(tok), " "))
	// Output: granted: read_stores write_stores
}

// A user's token carries the scopes both the application and the user's
// roles hold: carmart-web may ask for read_stores and write_stores, and
// Charlie's role store-viewer grants read_stores.
func ExampleAppTokens_Password() {
	srv := startDemo()
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	org, _ := client.Org(demoOrg)

	web := org.Tokens().ForApp("7wYeybBGCVfLxPmS0z66WNMffyMa", "WYfwHUsbsEvwtqmDLuaxF_VCQJwa")
	tok, err := web.Password(context.Background(), "Charlie", "jG9A5KrX", "read_stores", "write_stores")
	if err != nil {
		panic(err)
	}
	fmt.Println("granted:", asgardeo.GrantedScopes(tok))
	fmt.Println("refresh token:", tok.RefreshToken != "")

	_, err = web.Password(context.Background(), "Charlie", "wrong", "read_stores")
	fmt.Println("wrong password is invalid_grant:", errors.Is(err, asgardeo.ErrInvalidGrant))
	// Output:
	// granted: [read_stores]
	// refresh token: true
	// wrong password is invalid_grant: true
}

// Introspection says whether a token is active; after revocation it is not.
func ExampleAppTokens_Introspect() {
	srv := startDemo()
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	org, _ := client.Org(demoOrg)
	ctx := context.Background()

	m2m := org.Tokens().ForApp("fhErtAT2YF_M0Ek3AAYHLI8L25oa", "Pu9n4LtRz0o6PzMgFq3b1Jd8Wc_a")
	tok, err := m2m.ClientCredentials("read_stores").Token()
	if err != nil {
		panic(err)
	}
	info, err := m2m.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Active, info.AUT, info.Scopes, info.OrgID == demoOrg)

	if err := m2m.Revoke(ctx, tok.AccessToken, asgardeo.AccessTokenHint); err != nil {
		panic(err)
	}
	info, _ = m2m.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	fmt.Println(info.Active)
	// Output:
	// true APPLICATION [read_stores] true
	// false
}

// Roles are SCIM2 roles of the organization; an application-audience role
// serves one application.
func ExampleRolesService_Create() {
	srv := startDemo()
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	org, _ := client.Org(demoOrg)
	ctx := context.Background()

	var webID string
	for app, err := range org.Applications().All(ctx, nil) {
		if err != nil {
			panic(err)
		}
		if app.Name == "carmart-web" {
			webID = app.ID
		}
	}
	role, err := org.Roles().Create(ctx, &asgardeo.RoleSpec{
		DisplayName: "store-editor",
		Audience:    asgardeo.ApplicationAudience(webID),
		Permissions: []string{"read_stores", "write_stores"},
	})
	if err != nil {
		panic(err)
	}
	got, err := org.Roles().Get(ctx, role.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.DisplayName, got.Audience.Type, got.PermissionNames(), got.Shared())

	_, err = org.Roles().Create(ctx, &asgardeo.RoleSpec{DisplayName: "store-editor", Audience: asgardeo.ApplicationAudience(webID)})
	fmt.Println("duplicate:", errors.Is(err, asgardeo.ErrConflict))
	// Output:
	// store-editor application [read_stores write_stores] false
	// duplicate: true
}

// Errors carry Asgardeo's code and match sentinels.
func ExampleError() {
	srv := startDemo()
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	org, _ := client.Org(demoOrg)

	_, err := org.Applications().Create(context.Background(), asgardeo.NewM2MApplication("carmart-web"))
	var apiErr *asgardeo.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, errors.Is(err, asgardeo.ErrConflict))
	}
	// Output: 409 APP-60007 true
}
