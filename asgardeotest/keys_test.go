package asgardeotest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func jwksKids(t *testing.T, srv *Server, path string) []string {
	t.Helper()
	resp, err := srv.HTTPClient().Get(srv.TenantURL() + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var set struct {
		Keys []struct {
			Kid, Kty, Alg, Use, N, E string
		} `json:"keys"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
	var kids []string
	for _, k := range set.Keys {
		assert.Equal(t, "RSA", k.Kty)
		assert.Equal(t, "RS256", k.Alg)
		assert.Equal(t, "sig", k.Use)
		assert.NotEmpty(t, k.N)
		assert.Equal(t, "AQAB", k.E)
		kids = append(kids, k.Kid)
	}
	return kids
}

// Starting a server and rotating its keys generate no RSA key: keys are made
// when a token is signed or the JWKS is served.
func TestKeysAreGeneratedLazily(t *testing.T) {
	before := keyGenerations.Load()
	srv := NewServer(t, WithKeyGracePeriod(10*time.Minute))
	org, err := srv.AddOrganization("lazy")
	require.NoError(t, err)
	_, err = srv.AddApplication(AppSpec{Organization: org.ID, Name: "jwt-app", GrantTypes: []string{"client_credentials"}, AccessTokenType: "JWT"})
	require.NoError(t, err)
	srv.RotateKeys()
	assert.Equal(t, before, keyGenerations.Load(), "NewServer, seeding or RotateKeys generated a key")

	kids := jwksKids(t, srv, "/o/"+org.ID+"/oauth2/jwks")
	require.Len(t, kids, 2, "the old key stays published during the grace period")
	// The rotated-in key is this server's own; the first one is the shared
	// process key, generated at most once per process.
	after := keyGenerations.Load()
	assert.GreaterOrEqual(t, after-before, int64(1))
	assert.LessOrEqual(t, after-before, int64(2))

	assert.Equal(t, kids, jwksKids(t, srv, "/oauth2/jwks"), "root and organization publish the same keys")
	assert.Equal(t, after, keyGenerations.Load(), "serving the JWKS again generated a key")

	srv.Clock().Advance(10*time.Minute + time.Second)
	assert.Equal(t, kids[1:], jwksKids(t, srv, "/o/"+org.ID+"/oauth2/jwks"), "the rotated-out key is dropped after the grace period")
}

// Two servers share the process key but not its key ID.
func TestServersShareTheProcessKey(t *testing.T) {
	a, b := NewServer(t), NewServer(t)
	ka, err := a.oidc.keys.current().private()
	require.NoError(t, err)
	kb, err := b.oidc.keys.current().private()
	require.NoError(t, err)
	assert.Same(t, ka, kb)
	before := keyGenerations.Load()
	a.RotateKeys()
	kr, err := a.oidc.keys.current().private()
	require.NoError(t, err)
	assert.NotSame(t, ka, kr)
	assert.Equal(t, before+1, keyGenerations.Load())
}
