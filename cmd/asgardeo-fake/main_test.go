package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startFake runs the command on a free port and returns its base URL.
func startFake(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...), pw, io.Discard)
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan(), "no banner")
	first := lines.Text()
	go func() { // drain the rest of the banner
		for lines.Scan() {
		}
	}()
	base, ok := strings.CutPrefix(first, "asgardeo-fake listening on ")
	require.True(t, ok, "banner %q", first)
	return base
}

func TestDemoSeedServesTheSeedGuideRequests(t *testing.T) {
	base := startFake(t)
	org := "7e98b86f-63c7-41a1-8c56-c909a21a2615"

	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"read_stores write_stores"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/t/bestcarmart/o/"+org+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("fhErtAT2YF_M0Ek3AAYHLI8L25oa", "Pu9n4LtRz0o6PzMgFq3b1Jd8Wc_a")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var tok map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	assert.Equal(t, "read_stores", tok["scope"], "inventory-sync is authorized to read_stores only")
	assert.Equal(t, "Bearer", tok["token_type"])
	assert.EqualValues(t, 3600, tok["expires_in"])
	assert.NotContains(t, tok, "refresh_token")
}

func TestTLSWritesTheCertificateItServes(t *testing.T) {
	certPath := filepath.Join(t.TempDir(), "cert.pem")
	base := startFake(t, "-tls", "-tls-cert", certPath)
	require.True(t, strings.HasPrefix(base, "https://"), base)
	pemBytes, err := os.ReadFile(certPath)
	require.NoError(t, err)
	require.Contains(t, string(pemBytes), "BEGIN CERTIFICATE")

	// Without trusting the certificate the request fails; trusting it, it works.
	_, err = http.Get(base + "/t/bestcarmart/oauth2/token")
	require.Error(t, err)
	client := trustingClient(t, pemBytes)
	resp, err := client.Post(base+"/t/bestcarmart/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no client credentials were sent")
}

func TestInvalidSeedIsRefusedWithPathFieldAndReason(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct{ body, want string }{
		"syntax":  {"{\n  \"organizations\": [\n    {\"id\": 1,}\n  ]\n}", ":3:"},
		"field":   {`{"applications":[{"name":"x","grantTypes":["implicit"]}]}`, `applications[0].grantTypes[0]: grant type "implicit"`},
		"unknown": {`{"organisations":[]}`, `unknown field "organisations"`},
		"ref":     {`{"roles":[{"name":"r","audience":{"type":"application","application":"nope"}}]}`, `roles[0].audience.application`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".json")
			require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o600))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := run(ctx, []string{"-addr", "127.0.0.1:0", "-quiet", "-seed", path}, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
