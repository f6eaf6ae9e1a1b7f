package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstartAgainstTheFake runs the README's main command as it runs with
// no configuration and checks the story it tells.
func TestQuickstartAgainstTheFake(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, func(string) string { return "" }), out.String())
	got := out.String()
	for _, want := range []string{
		"Using the embedded fake Asgardeo",
		"standard-based quickstart-web-",
		"M2M            quickstart-m2m-",
		"offers scopes: read_stores write_stores delete_stores",
		// Client credentials: everything authorized to the app, nothing else.
		"granted: read_stores write_stores delete_stores\n",
		// Password: the app holds read and write, the user's role only read.
		"asked:   read_stores write_stores delete_stores\n   granted: read_stores\n",
		"the code is single-use",
		"introspect: active=true user=Dana@7e98b86f-63c7-41a1-8c56-c909a21a2615",
		"revoke, then introspect: active=false",
		"refreshing now fails with invalid_grant",
		"Done.",
	} {
		assert.Contains(t, got, want)
	}
	assert.NotContains(t, got, "quickstart-Pa55", "the user's password is never printed")
}

func TestQuickstartNeedsTheWholeTenantConfiguration(t *testing.T) {
	env := map[string]string{"ASGARDEO_BASE_URL": "https://api.asgardeo.io"}
	err := run(context.Background(), &bytes.Buffer{}, func(k string) string { return env[k] })
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "ASGARDEO_ROOT_ORG"), err.Error())
}
