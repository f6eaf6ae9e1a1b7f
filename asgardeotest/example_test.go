package asgardeotest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// Start a fake, seed an organization, an API and an application, and use the
// SDK against it. In a test, asgardeotest.NewServer(t) does the same and
// closes the server when the test ends.
func ExampleStart() {
	srv, err := asgardeotest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	east, _ := srv.AddOrganization("Best Car Mart East")
	_, _ = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "stores_api", Scopes: []string{"read_stores", "write_stores"}})
	app, _ := srv.AddApplication(asgardeotest.AppSpec{
		Organization: east.ID, Name: "inventory-sync", Template: asgardeotest.TemplateM2M,
		GrantTypes:     []string{"client_credentials"},
		AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "stores_api", Scopes: []string{"read_stores"}}},
	})

	client := srv.Client() // already pointed at the fake, as its root admin application
	defer client.Close()
	org, _ := client.Org(east.ID)
	tok, err := org.Tokens().ForApp(app.ClientID, app.ClientSecret).ClientCredentials("read_stores", "write_stores").Token()
	if err != nil {
		panic(err)
	}
	fmt.Println(asgardeo.GrantedScopes(tok))
	// Output: [read_stores]
}

// Inject a fault into the next matching request: here a 503 with
// Retry-After on the token endpoint, which the SDK retries.
func ExampleServer_InjectFault() {
	srv, _ := asgardeotest.Start(asgardeotest.WithSeed(asgardeotest.DemoSeed()))
	defer srv.Close()
	org := "7e98b86f-63c7-41a1-8c56-c909a21a2615"

	fault := srv.InjectFault(asgardeotest.Fault{
		Method: http.MethodPost, Path: "/o/" + org + "/oauth2/token", GrantType: "client_credentials",
		Status: http.StatusServiceUnavailable, RetryAfter: "0",
	})
	client := srv.Client(asgardeo.WithRetry(3, 10*time.Millisecond))
	defer client.Close()
	o, _ := client.Org(org)
	_, err := o.Tokens().ForApp("fhErtAT2YF_M0Ek3AAYHLI8L25oa", "Pu9n4LtRz0o6PzMgFq3b1Jd8Wc_a").ClientCredentials("read_stores").Token()

	fmt.Println(err, fault.Fired(), srv.CountGrant("client_credentials"), len(srv.UnfiredFaults()))
	// Output: <nil> 1 2 0
}

// The fake runs on a clock that tests move: tokens expire without sleeping.
func ExampleClock_Advance() {
	srv, _ := asgardeotest.Start(asgardeotest.WithSeed(asgardeotest.DemoSeed()))
	defer srv.Close()
	client := srv.Client()
	defer client.Close()
	org, _ := client.Org("7e98b86f-63c7-41a1-8c56-c909a21a2615")
	ctx := context.Background()

	tokens := org.Tokens().ForApp("7wYeybBGCVfLxPmS0z66WNMffyMa", "WYfwHUsbsEvwtqmDLuaxF_VCQJwa")
	tok, _ := tokens.Password(ctx, "Charlie", "jG9A5KrX", "read_stores")

	srv.Clock().Advance(2 * time.Hour) // past the one-hour access token
	info, _ := tokens.Introspect(ctx, tok.AccessToken, asgardeo.NoHint)
	fmt.Println("active after two hours:", info.Active)

	refreshed, err := tokens.Refresh(ctx, tok.RefreshToken) // the refresh token lives a day
	fmt.Println("refreshed:", err == nil && refreshed.AccessToken != tok.AccessToken)

	srv.Clock().Advance(48 * time.Hour)
	_, err = tokens.Refresh(ctx, tok.RefreshToken)
	fmt.Println("after two days:", errors.Is(err, asgardeo.ErrInvalidGrant))
	// Output:
	// active after two hours: false
	// refreshed: true
	// after two days: true
}
