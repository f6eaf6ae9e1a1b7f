package asgardeotest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: every
// fake a test starts is closed when the test ends.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
