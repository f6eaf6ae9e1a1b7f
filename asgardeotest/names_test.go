package asgardeotest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFoldKeyMatchesEqualFold: the application-name index treats two names
// as equal exactly when strings.EqualFold does, as the scan it replaced did.
func TestFoldKeyMatchesEqualFold(t *testing.T) {
	names := []string{"inventory", "Inventory", "INVENTORY", "inventorY ", "Straße", "STRASSE", "strasse",
		"K", "k", "\u212a", "Σίσυφος", "ΣΊΣΥΦΟΣ", "σίσυφοσ", "ǅ", "ǆ", "Ǆ", "\xff", "\xfe", "a\xffb", "", "İ", "i", "ı"}
	for _, a := range names {
		for _, b := range names {
			assert.Equal(t, strings.EqualFold(a, b), foldKey(a) == foldKey(b), "%q vs %q", a, b)
		}
	}
}

func TestAppNameIndexFollowsRenameAndDelete(t *testing.T) {
	o := newOrg("o", "org")
	a := &app{name: "Web"}
	b := &app{name: "web"} // a fragment may share a name with an own app
	o.addApp(a)
	o.addApp(b)
	assert.True(t, o.hasAppName("WEB", nil))
	assert.True(t, o.hasAppName("WEB", a), "b still holds the name")
	o.removeApp(b)
	assert.False(t, o.hasAppName("WEB", a), "a's own name is not a conflict")
	o.renameApp(a, "Portal")
	assert.False(t, o.hasAppName("web", nil))
	assert.True(t, o.hasAppName("portal", nil))
	o.removeApp(a)
	assert.Empty(t, o.appNames)
}
