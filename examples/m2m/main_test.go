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

func TestM2MAgainstTheFake(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, func(string) string { return "" }), out.String())
	got := out.String()
	assert.Equal(t, 3, strings.Count(got, `{"stores":["Colombo","Kandy"],"caller":"fhErtAT2YF_M0Ek3AAYHLI8L25oa"}`), got)
	assert.Contains(t, got, `one token served all calls: scopes "read_stores"`)
}
