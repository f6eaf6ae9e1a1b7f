package asgardeotest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func TestSeedingValuesPrintWithoutSecrets(t *testing.T) {
	const secret = "s3cr3t-value-9f2"
	values := []any{
		asgardeotest.Application{Name: "web", ClientID: "cid", ClientSecret: secret},
		&asgardeotest.Application{Name: "web", ClientSecret: secret},
		asgardeotest.AppSpec{Name: "web", ClientSecret: secret},
		asgardeotest.SeedApplication{Name: "web", ClientSecret: secret},
		asgardeotest.SeedUser{Username: "kim", Password: secret},
		asgardeotest.Seed{Users: []asgardeotest.SeedUser{{Username: "kim", Password: secret}},
			Applications: []asgardeotest.SeedApplication{{Name: "web", ClientSecret: secret}}},
	}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secret, "%s of %T", verb, v)
			assert.True(t, strings.Contains(out, "REDACTED"), "%s of %T: %s", verb, v, out)
		}
	}
	// The fields themselves still hold the value for the test to use.
	app := asgardeotest.Application{ClientSecret: secret}
	assert.Equal(t, secret, app.ClientSecret)
}
