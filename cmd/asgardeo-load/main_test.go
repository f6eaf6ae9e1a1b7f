package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestScenariosRunBriefly runs every scenario with tiny bounded counts, so
// CI covers the load program without loading the machine.
func TestScenariosRunBriefly(t *testing.T) {
	cases := []struct {
		args []string
		want *regexp.Regexp
	}{
		{[]string{"-scenario", "cc", "-n", "40", "-c", "4"}, regexp.MustCompile(`cc\s+40 requests\s+0 errors .* req/s  latency p50`)},
		{[]string{"-scenario", "introspect", "-n", "40", "-c", "4"}, regexp.MustCompile(`introspect\s+40 requests\s+0 errors`)},
		{[]string{"-scenario", "jwt", "-n", "4", "-c", "2"}, regexp.MustCompile(`(?s)jwt\s+4 requests\s+0 errors.*rsa\s+\d+ signatures.*% of the RSA signing limit`)},
		{[]string{"-scenario", "noop", "-n", "40", "-c", "4"}, regexp.MustCompile(`noop\s+40 requests\s+0 errors`)},
		{[]string{"-scenario", "startup"}, regexp.MustCompile(`asgardeotest.Start to first answer: median`)},
		{[]string{"-scenario", "scale", "-apps", "50", "-tokens", "200"}, regexp.MustCompile(`(?s)50 applications seeded.*bytes of heap per application.*200 live tokens.*bytes of heap per token.*offset=0: best of 50`)},
	}
	for _, tc := range cases {
		t.Run(tc.args[1], func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(context.Background(), append(tc.args, "-duration", "20s"), &out))
			assert.Regexp(t, tc.want, out.String())
			assert.Contains(t, out.String(), "peak RSS (VmHWM):")
		})
	}
}

func TestFlagsAreBounded(t *testing.T) {
	for _, args := range [][]string{
		{"-duration", "0s"},
		{"-duration", "11m"},
		{"-n", "-1"},
		{"-c", "0"},
		{"-url", "http://example.com:8443"},
		{"-url", "http://10.0.0.1:8443"},
		{"-url", "ftp://127.0.0.1"},
		{"-scenario", "nope"},
	} {
		var out bytes.Buffer
		assert.Error(t, run(context.Background(), args, &out), strings.Join(args, " "))
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 100; i++ {
		h.add(timeMicros(i * 100)) // 0.1 ms to 10 ms
	}
	assert.Equal(t, timeMicros(5100), h.quantile(0.5))
	assert.Equal(t, timeMicros(9100), h.quantile(0.9))
	assert.Equal(t, timeMicros(10000), h.max())
}

func timeMicros(us int) time.Duration { return time.Duration(us) * time.Microsecond }
