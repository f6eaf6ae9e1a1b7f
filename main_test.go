package asgardeo_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: the
// client starts none of its own, and every server a test starts is closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
