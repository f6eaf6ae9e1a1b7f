package asgardeotest

import "strings"

// oidcScopes are approved for user grants without an API authorization.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "address": true, "phone": true}

// grantedScopes computes the scopes of a token (spec §5.9): the requested
// scopes that are authorized to the application, and, for user grants (u not
// nil) under an RBAC policy, also held by the user through a role that
// applies to the application. Anything else is silently dropped. a is the
// application as it lives in the token's organization (a fragment for an
// application shared from the root). Caller holds s.mu.
func (s *store) grantedScopes(a *app, u *user, requested []string) []string {
	var out []string
	seen := map[string]bool{}
	var perms map[string]bool // lazily computed role permissions of u
	inOrg := !s.orgs[a.orgID].root
	auth := a.credentialsApp()
	for _, sc := range requested {
		if sc == "" || seen[sc] {
			continue
		}
		seen[sc] = true
		if oidcScopes[sc] {
			if u != nil {
				out = append(out, sc)
			}
			continue
		}
		if inOrg && strings.HasPrefix(sc, "internal_") && !strings.HasPrefix(sc, "internal_org_") {
			continue // only internal_org_* internal scopes survive in an organization
		}
		def := s.scopes[sc]
		if def == nil {
			continue
		}
		z := auth.authorization(def.apiID)
		if z == nil || !containsString(z.scopes, sc) {
			continue
		}
		if u != nil && z.policy != "NO POLICY" {
			if perms == nil {
				perms = s.userPermissions(a, u)
			}
			if !perms[sc] {
				continue
			}
		}
		out = append(out, sc)
	}
	return out
}

// userPermissions returns the permissions u holds through the roles that
// apply to application a in a's organization (spec §5.1): roles whose
// audience is a itself when a's audience is APPLICATION, the organization's
// organization-audience roles when it is ORGANIZATION; a shared application
// considers only shared roles, an organization's own application only
// organization-managed roles. Caller holds s.mu.
func (s *store) userPermissions(a *app, u *user) map[string]bool {
	perms := map[string]bool{}
	o := s.orgs[a.orgID]
	if o == nil {
		return perms
	}
	for _, r := range o.roleOrder {
		if !s.roleAppliesTo(r, a) || !r.hasMember(s, u) {
			continue
		}
		for _, p := range r.permissions {
			perms[p] = true
		}
	}
	return perms
}

// roleAppliesTo reports whether role r counts for authorizing application a.
// Caller holds s.mu.
func (s *store) roleAppliesTo(r *role, a *app) bool {
	if r.orgID != a.orgID {
		return false
	}
	if !s.orgs[a.orgID].root && r.shared != a.fragment {
		return false
	}
	if a.credentialsApp().audience == "ORGANIZATION" {
		return r.audienceType == "organization"
	}
	return r.audienceType == "application" && r.audienceValue == a.id
}
