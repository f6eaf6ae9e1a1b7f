package integrationtest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
	"github.com/asgardeo-go/asgardeo/examples/integrationtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newOrg starts a fake with one organization and the partner API, and
// returns the SDK's view of that organization.
func newOrg(t *testing.T) (*asgardeotest.Server, *asgardeo.Org) {
	t.Helper()
	srv := asgardeotest.NewServer(t) // closed when the test ends
	east, err := srv.AddOrganization("Best Car Mart East")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{
		Identifier: "partner_api", Name: "Partner API",
		Scopes: []string{"orders:read", "orders:write", "invoices:read"},
	})
	require.NoError(t, err)
	org, err := srv.Client().Org(east.ID) // authenticated as the fake's root admin app
	require.NoError(t, err)
	return srv, org
}

func TestOnboardPartnerGivesWorkingReadOnlyCredentials(t *testing.T) {
	_, org := newOrg(t)
	ctx := context.Background()

	creds, err := integrationtest.OnboardPartner(ctx, org, "acme", "partner_api", "orders:read", "invoices:read")
	require.NoError(t, err)

	// The credentials work, and the token carries only what was authorized,
	// however much the partner asks for.
	ts := org.Tokens().ForApp(creds.ClientID, creds.ClientSecret).ClientCredentials("orders:read", "orders:write", "invoices:read")
	tok, err := ts.Token()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"orders:read", "invoices:read"}, asgardeo.GrantedScopes(tok))
}

func TestOnboardPartnerLeavesNothingBehindOnFailure(t *testing.T) {
	_, org := newOrg(t)
	ctx := context.Background()

	// orders:delete does not exist on the API: Asgardeo refuses the authorization.
	_, err := integrationtest.OnboardPartner(ctx, org, "acme", "partner_api", "orders:delete")
	var apiErr *asgardeo.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "APP-60508", apiErr.Code)

	for app, err := range org.Applications().All(ctx, nil) {
		require.NoError(t, err)
		assert.NotEqual(t, "acme-integration", app.Name, "the half-made application was deleted")
	}
}

func TestOnboardPartnerSurvivesARateLimit(t *testing.T) {
	srv, org := newOrg(t)
	// The fake answers the next create with 429 and Retry-After: the SDK waits
	// (capped by its retry policy) and tries again, creating exactly one app.
	fault := srv.InjectFault(asgardeotest.Fault{Method: http.MethodPost, Path: "/o/api/server/v1/applications", Status: http.StatusTooManyRequests, RetryAfter: "0"})

	_, err := integrationtest.OnboardPartner(context.Background(), org, "globex", "partner_api", "orders:read")
	require.NoError(t, err)
	assert.Equal(t, 1, fault.Fired())
	assert.Empty(t, srv.UnfiredFaults())
	assert.Equal(t, 2, srv.Count(http.MethodPost, "/o/api/server/v1/applications"))
}

func TestOnboardPartnerReportsAServerOutage(t *testing.T) {
	srv, org := newOrg(t)
	// A 502 on the create may have been processed: the SDK does not retry a
	// POST then, and says what happened.
	srv.InjectFault(asgardeotest.Fault{Method: http.MethodPost, Path: "/o/api/server/v1/applications", Status: http.StatusBadGateway, Body: "<html>Bad Gateway</html>", ContentType: "text/html"})

	_, err := integrationtest.OnboardPartner(context.Background(), org, "initech", "partner_api", "orders:read")
	require.Error(t, err)
	assert.True(t, errors.Is(err, asgardeo.ErrServer), err.Error())
	assert.Equal(t, 1, srv.Count(http.MethodPost, "/o/api/server/v1/applications"))
}

func TestTokensExpireOnTheFakeClock(t *testing.T) {
	srv, org := newOrg(t)
	ctx := context.Background()
	creds, err := integrationtest.OnboardPartner(ctx, org, "hooli", "partner_api", "orders:read")
	require.NoError(t, err)
	tokens := org.Tokens().ForApp(creds.ClientID, creds.ClientSecret)
	tok, err := tokens.ClientCredentials("orders:read").Token()
	require.NoError(t, err)

	// No sleeping: move the fake's clock past the token's lifetime.
	srv.Clock().Advance(2 * time.Hour)
	info, err := tokens.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.False(t, info.Active)
}
