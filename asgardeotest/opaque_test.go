package asgardeotest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOpaqueIDRoundTrip(t *testing.T) {
	for range 1000 {
		id := newOpaqueID()
		s := id.String()
		back, ok := parseOpaqueID(s)
		assert.True(t, ok, s)
		assert.Equal(t, id, back, s)
	}
}

// Only the exact strings String makes parse, so a token looked up by its
// bytes is found exactly when it would be as a string.
func TestOpaqueIDRejectsOtherSpellings(t *testing.T) {
	s := newOpaqueID().String()
	for _, bad := range []string{
		"", s[:35], s + "0", strings.ToUpper(s), "{" + s[1:35] + "}",
		strings.ReplaceAll(s, "-", "") + "0000", s[:8] + "x" + s[9:], s[:9] + "g" + s[10:],
		s[:8] + s[9:] + "0",
	} {
		_, ok := parseOpaqueID(bad)
		assert.False(t, ok, bad)
	}
}
