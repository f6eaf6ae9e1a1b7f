package asgardeotest

import (
	"net/http"
	"strings"
)

// caller is the authenticated principal of a management request.
type caller struct {
	tok *token
	org *org
}

// has reports whether the caller's token carries scope.
func (c *caller) has(scope string) bool { return containsString(c.tok.scopes(), scope) }

// authenticate plays the gateway in front of the organization management
// APIs (spec §1.3, §7.3): the bearer token must be active and bound to an
// organization other than the root, and must carry one of anyOf (when
// given). On failure it answers 401 or 403 and returns nil. The caller must
// not hold s.store.mu.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, anyOf ...string) *caller {
	auth := r.Header.Get("Authorization")
	scheme, value, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || value == "" {
		gatewayDeny(w, r, http.StatusUnauthorized)
		return nil
	}
	now := s.clock.Now()
	s.store.mu.RLock()
	tok := s.store.accessToken(strings.TrimSpace(value))
	var o *org
	active := false
	if tok != nil {
		o = s.store.orgs[tok.orgID()]
		active = tok.active(s.store.stamp(now))
	}
	s.store.mu.RUnlock()
	if !active || o == nil {
		gatewayDeny(w, r, http.StatusUnauthorized)
		return nil
	}
	if o.root {
		// A root-organization token has no organization binding: the
		// organization APIs cannot tell which organization it means.
		gatewayDeny(w, r, http.StatusForbidden)
		return nil
	}
	c := &caller{tok: tok, org: o}
	if len(anyOf) == 0 {
		return c
	}
	for _, sc := range anyOf {
		if c.has(sc) {
			return c
		}
	}
	gatewayDeny(w, r, http.StatusForbidden)
	return nil
}
