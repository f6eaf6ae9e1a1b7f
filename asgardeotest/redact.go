package asgardeotest

import "fmt"

// The seeding types carry client secrets and passwords, which tests and
// seed files need to read as fields; printing them with any fmt verb shows
// "REDACTED" instead, so a test log never holds a secret.

const redacted = "REDACTED"

func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// Format prints a without its client secret.
func (a Application) Format(f fmt.State, verb rune) {
	type plain Application
	p := plain(a)
	p.ClientSecret = redact(p.ClientSecret)
	fmt.Fprintf(f, fmt.FormatString(f, verb), p)
}

// Format prints spec without its client secret.
func (spec AppSpec) Format(f fmt.State, verb rune) {
	type plain AppSpec
	p := plain(spec)
	p.ClientSecret = redact(p.ClientSecret)
	fmt.Fprintf(f, fmt.FormatString(f, verb), p)
}

// Format prints a without its client secret.
func (a SeedApplication) Format(f fmt.State, verb rune) {
	type plain SeedApplication
	p := plain(a)
	p.ClientSecret = redact(p.ClientSecret)
	fmt.Fprintf(f, fmt.FormatString(f, verb), p)
}

// Format prints u without its password.
func (u SeedUser) Format(f fmt.State, verb rune) {
	type plain SeedUser
	p := plain(u)
	p.Password = redact(p.Password)
	fmt.Fprintf(f, fmt.FormatString(f, verb), p)
}
