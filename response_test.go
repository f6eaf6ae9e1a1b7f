package asgardeo_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func TestCaptureResponseRecordsSuccessAndFailure(t *testing.T) {
	srv := asgardeotest.NewServer(t, asgardeotest.WithSeed(asgardeotest.DemoSeed()))
	client := srv.Client()
	t.Cleanup(client.Close)
	org, err := client.Org(demoOrg)
	require.NoError(t, err)
	ctx := context.Background()

	var created asgardeo.Response
	app, err := org.Applications().Create(asgardeo.CaptureResponse(ctx, &created), asgardeo.NewM2MApplication("captured"))
	require.NoError(t, err)
	// Create ends with the GET of the OIDC settings: its answer is the last.
	assert.Equal(t, http.StatusOK, created.StatusCode)
	assert.Equal(t, "application/json", created.Header.Get("Content-Type"))

	var got asgardeo.Response
	_, err = org.Applications().Get(asgardeo.CaptureResponse(ctx, &got), "1c6f8f37-1b8f-4a5e-9c77-3f0d0e0b0b0b")
	require.ErrorIs(t, err, asgardeo.ErrNotFound)
	assert.Equal(t, http.StatusNotFound, got.StatusCode, "failed calls are recorded too")

	var revoked asgardeo.Response
	tokens := org.Tokens().ForApp(app.ClientID, app.ClientSecret)
	require.NoError(t, tokens.Revoke(asgardeo.CaptureResponse(ctx, &revoked), "no-such-token", asgardeo.AccessTokenHint))
	assert.Equal(t, http.StatusOK, revoked.StatusCode)
	assert.Equal(t, "no-store", revoked.Header.Get("Cache-Control"))

	// A context without a capture records nothing, and nothing breaks.
	_, err = org.Applications().Get(ctx, app.ID)
	require.NoError(t, err)
}
