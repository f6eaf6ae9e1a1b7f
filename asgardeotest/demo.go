package asgardeotest

import (
	_ "embed"
)

//go:embed demo-seed.json
var demoSeed []byte

// DemoSeed returns the demo seed: the root organization "bestcarmart", the
// organization "Best Car Mart East", the Stores API, the user Charlie, the
// organization applications carmart-web (authorization code, password,
// refresh token) and inventory-sync (M2M), the root application
// admin-portal (organization switch) and the role store-viewer. The
// standalone fake loads it when started without -seed; docs/SEED.md shows it.
func DemoSeed() *Seed {
	s, err := ParseSeed(demoSeed)
	if err != nil {
		// The embedded file is checked by the package's tests.
		panic(err)
	}
	return s
}
