package main

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeAddr is the address the README's curl requests name.
const readmeAddr = "127.0.0.1:8443"

// curlBlocks returns the README's ```sh blocks that run curl.
func curlBlocks(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	re := regexp.MustCompile("(?s)```sh\n(.*?)```")
	var blocks []string
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		if strings.Contains(m[1], "curl ") {
			blocks = append(blocks, m[1])
		}
	}
	return blocks
}

// TestREADMECurlRequestsWorkVerbatim starts the fake as the README says (the
// demo seed on 127.0.0.1:8443) and runs every curl block of the README with
// bash; curl -f fails a block on any HTTP error.
func TestREADMECurlRequestsWorkVerbatim(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	blocks := curlBlocks(t)
	require.GreaterOrEqual(t, len(blocks), 5, "the README shows the seed guide's requests")

	addr := readmeAddr
	if ln, err := net.Listen("tcp", addr); err != nil {
		// The port is taken on this machine: run the same blocks against a free port.
		addr = "127.0.0.1:0"
	} else {
		ln.Close()
	}
	base := startFakeAt(t, addr)
	host := strings.TrimPrefix(base, "http://")

	want := []string{
		`"scope":"openid read_stores"`,
		`"scope":"read_stores"`,
		`{"active":false}`,
		`<form`,
		`"applications":[`,
	}
	for i, block := range blocks {
		script := strings.ReplaceAll(block, readmeAddr, host)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script).CombinedOutput()
		cancel()
		require.NoError(t, err, "README curl block %d failed:\n%s\n%s", i+1, block, out)
		if i < len(want) {
			assert.Contains(t, string(out), want[i], "README curl block %d", i+1)
		}
	}
}

// startFakeAt runs the command with the demo seed on addr.
func startFakeAt(t *testing.T, addr string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", addr, "-quiet"}, pw, io.Discard)
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	buf := make([]byte, 4096)
	n, err := pr.Read(buf)
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	first, _, _ := strings.Cut(string(buf[:n]), "\n")
	base, ok := strings.CutPrefix(first, "asgardeo-fake listening on ")
	require.True(t, ok, "banner %q", first)
	return base
}
