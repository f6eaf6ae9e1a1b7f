// Package integrationtest shows how to test your own code against the fake
// Asgardeo in asgardeotest. The code under test, OnboardPartner, is what a
// B2B service might do when a partner signs up: create an M2M application in
// the partner's organization, authorize it to an API with read-only scopes,
// and hand back working credentials. partners_test.go tests it end to end.
package integrationtest

import (
	"context"
	"errors"
	"fmt"

	"github.com/asgardeo-go/asgardeo"
)

// Credentials are what a partner receives.
type Credentials struct {
	AppID, ClientID, ClientSecret string
	Scopes                        []string
}

// OnboardPartner creates the partner's M2M application in org and authorizes
// it to the API resource with the given identifier, with the scopes listed.
// If the authorization fails, the application is deleted again, so a failed
// onboarding leaves nothing behind.
func OnboardPartner(ctx context.Context, org *asgardeo.Org, partner, apiIdentifier string, scopes ...string) (*Credentials, error) {
	var api *asgardeo.APIResource
	for r, err := range org.APIResources().All(ctx, &asgardeo.ListAPIResourcesOptions{Filter: asgardeo.Where("identifier", asgardeo.FilterEq, apiIdentifier)}) {
		if err != nil {
			return nil, fmt.Errorf("finding API %q: %w", apiIdentifier, err)
		}
		api = r
		break
	}
	if api == nil {
		return nil, fmt.Errorf("no API resource %q in the organization", apiIdentifier)
	}
	app, err := org.Applications().Create(ctx, asgardeo.NewM2MApplication(partner+"-integration"))
	if err != nil {
		return nil, fmt.Errorf("creating the application: %w", err)
	}
	if err := org.Applications().AuthorizeAPI(ctx, app.ID, api.ID, asgardeo.PolicyRBAC, scopes...); err != nil {
		if derr := org.Applications().Delete(ctx, app.ID); derr != nil && !errors.Is(derr, asgardeo.ErrNotFound) {
			err = errors.Join(err, fmt.Errorf("deleting the half-made application: %w", derr))
		}
		return nil, fmt.Errorf("authorizing the application: %w", err)
	}
	return &Credentials{AppID: app.ID, ClientID: app.ClientID, ClientSecret: app.ClientSecret, Scopes: scopes}, nil
}
