package asgardeotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Seed is the JSON fixture format shared by Go tests (through [WithSeed])
// and by the standalone fake (cmd/asgardeo-fake -seed). See docs/SEED.md.
type Seed struct {
	RootOrganization string            `json:"rootOrganization,omitempty"`
	Organizations    []SeedOrg         `json:"organizations,omitempty"`
	APIResources     []SeedAPIResource `json:"apiResources,omitempty"`
	Users            []SeedUser        `json:"users,omitempty"`
	Groups           []SeedGroup       `json:"groups,omitempty"`
	Applications     []SeedApplication `json:"applications,omitempty"`
	Roles            []SeedRole        `json:"roles,omitempty"`
}

// SeedOrg is an organization of a [Seed].
type SeedOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SeedAPIResource is a business API resource of the root organization.
type SeedAPIResource struct {
	Identifier  string   `json:"identifier"`
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Scopes      []string `json:"scopes"`
}

// SeedUser is a user of an organization ("" or absent: the root).
type SeedUser struct {
	Organization string            `json:"organization,omitempty"`
	Username     string            `json:"username"`
	Password     string            `json:"password"`
	Claims       map[string]string `json:"claims,omitempty"`
}

// SeedGroup is a group of an organization, with member usernames.
type SeedGroup struct {
	Organization string   `json:"organization,omitempty"`
	Name         string   `json:"name"`
	Members      []string `json:"members,omitempty"`
}

// SeedApplication is an application; without organization it lives in the root.
type SeedApplication struct {
	Organization string `json:"organization,omitempty"`
	Name         string `json:"name"`
	// Template is "standard-based" or "m2m" (or a template ID).
	Template          string              `json:"template,omitempty"`
	ClientID          string              `json:"clientId,omitempty"`
	ClientSecret      string              `json:"clientSecret,omitempty"`
	GrantTypes        []string            `json:"grantTypes"`
	CallbackURLs      []string            `json:"callbackURLs,omitempty"`
	PublicClient      bool                `json:"publicClient,omitempty"`
	PKCEMandatory     bool                `json:"pkceMandatory,omitempty"`
	AccessTokenType   string              `json:"accessTokenType,omitempty"`
	RenewRefreshToken bool                `json:"renewRefreshToken,omitempty"`
	Audience          string              `json:"roleAudience,omitempty"`
	AuthorizedAPIs    []SeedAuthorizedAPI `json:"authorizedAPIs,omitempty"`
	SharedWith        []string            `json:"sharedWith,omitempty"`
}

// SeedAuthorizedAPI authorizes an application to scopes of an API resource.
type SeedAuthorizedAPI struct {
	Identifier string   `json:"identifier"`
	Scopes     []string `json:"scopes"`
	Policy     string   `json:"policy,omitempty"`
}

// SeedRole is a role. Its audience names an application by name, or the
// organization.
type SeedRole struct {
	Organization string       `json:"organization,omitempty"`
	Name         string       `json:"name"`
	Audience     SeedAudience `json:"audience"`
	Permissions  []string     `json:"permissions,omitempty"`
	Users        []string     `json:"users,omitempty"`
	Groups       []string     `json:"groups,omitempty"`
}

// SeedAudience is a role's audience: {"type":"organization"} or
// {"type":"application","application":"<application name>"}.
type SeedAudience struct {
	Type        string `json:"type"`
	Application string `json:"application,omitempty"`
}

// SeedError reports an invalid seed: where (file, line and column or field
// path) and why.
type SeedError struct {
	Path   string // file path, when read from a file
	Line   int    // 1-based, for syntax and type errors
	Column int
	Field  string // e.g. "applications[1].grantTypes[0]"
	Reason string
}

func (e *SeedError) Error() string {
	var b strings.Builder
	b.WriteString("asgardeotest: invalid seed")
	if e.Path != "" {
		b.WriteString(" " + e.Path)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

// LoadSeedFile reads and validates a seed file.
func LoadSeedFile(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("asgardeotest: reading seed: %w", err)
	}
	seed, err := ParseSeed(data)
	var se *SeedError
	if errors.As(err, &se) {
		se.Path = path
	}
	return seed, err
}

// ParseSeed decodes and validates a seed. Unknown fields are errors.
func ParseSeed(data []byte) (*Seed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, jsonSeedError(data, err)
	}
	if dec.More() {
		line, col := position(data, dec.InputOffset())
		return nil, &SeedError{Line: line, Column: col, Reason: "trailing data after the seed object"}
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

func jsonSeedError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return &SeedError{Line: line, Column: col, Reason: syn.Error()}
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return &SeedError{Line: line, Column: col, Field: typ.Field, Reason: fmt.Sprintf("want %s, got JSON %s", typ.Type, typ.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return &SeedError{Reason: strings.TrimPrefix(err.Error(), "json: ")}
	}
	return &SeedError{Reason: err.Error()}
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

var seedGrants = map[string]bool{"authorization_code": true, "client_credentials": true, "password": true, "refresh_token": true, "organization_switch": true}

// validate checks references and values, reporting the first bad field.
func (s *Seed) validate() error {
	fail := func(field, format string, args ...any) error {
		return &SeedError{Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if s.RootOrganization != "" && strings.ContainsAny(s.RootOrganization, "/?#% ") {
		return fail("rootOrganization", "%q is not a valid tenant handle", s.RootOrganization)
	}
	orgs := map[string]bool{"": true}
	for i, o := range s.Organizations {
		f := fmt.Sprintf("organizations[%d]", i)
		if !isUUID(o.ID) {
			return fail(f+".id", "%q is not a UUID", o.ID)
		}
		if strings.TrimSpace(o.Name) == "" {
			return fail(f+".name", "empty name")
		}
		if orgs[strings.ToLower(o.ID)] {
			return fail(f+".id", "duplicate organization %s", o.ID)
		}
		orgs[strings.ToLower(o.ID)] = true
	}
	checkOrg := func(field, id string) error {
		if !orgs[strings.ToLower(id)] {
			return fail(field, "unknown organization %q", id)
		}
		return nil
	}
	scopes := map[string]string{}
	apis := map[string]bool{}
	for _, sys := range systemAPIs {
		apis[sys.identifier] = true
		for _, sc := range sys.scopes {
			scopes[sc] = sys.identifier
		}
	}
	for i, a := range s.APIResources {
		f := fmt.Sprintf("apiResources[%d]", i)
		if a.Identifier == "" {
			return fail(f+".identifier", "empty identifier")
		}
		if apis[a.Identifier] {
			return fail(f+".identifier", "duplicate API resource %q", a.Identifier)
		}
		apis[a.Identifier] = true
		for j, sc := range a.Scopes {
			if sc == "" || strings.ContainsAny(sc, " \t") {
				return fail(fmt.Sprintf("%s.scopes[%d]", f, j), "invalid scope %q", sc)
			}
			if _, dup := scopes[sc]; dup {
				return fail(fmt.Sprintf("%s.scopes[%d]", f, j), "scope %q already exists", sc)
			}
			scopes[sc] = a.Identifier
		}
	}
	users := map[string]bool{}
	for i, u := range s.Users {
		f := fmt.Sprintf("users[%d]", i)
		if err := checkOrg(f+".organization", u.Organization); err != nil {
			return err
		}
		if strings.TrimSpace(u.Username) == "" {
			return fail(f+".username", "empty username")
		}
		if u.Password == "" {
			return fail(f+".password", "empty password")
		}
		key := strings.ToLower(u.Organization) + "/" + strings.ToLower(u.Username)
		if users[key] {
			return fail(f+".username", "duplicate user %q", u.Username)
		}
		users[key] = true
	}
	for i, g := range s.Groups {
		f := fmt.Sprintf("groups[%d]", i)
		if err := checkOrg(f+".organization", g.Organization); err != nil {
			return err
		}
		for j, m := range g.Members {
			if !users[strings.ToLower(g.Organization)+"/"+strings.ToLower(m)] {
				return fail(fmt.Sprintf("%s.members[%d]", f, j), "unknown user %q in that organization", m)
			}
		}
	}
	apps := map[string]bool{}
	for i, a := range s.Applications {
		f := fmt.Sprintf("applications[%d]", i)
		if err := checkOrg(f+".organization", a.Organization); err != nil {
			return err
		}
		if strings.TrimSpace(a.Name) == "" {
			return fail(f+".name", "empty name")
		}
		key := strings.ToLower(a.Organization) + "/" + strings.ToLower(a.Name)
		if apps[key] {
			return fail(f+".name", "duplicate application %q", a.Name)
		}
		apps[key] = true
		if _, err := seedTemplate(a.Template); err != nil {
			return fail(f+".template", "%v", err)
		}
		for j, g := range a.GrantTypes {
			if !seedGrants[g] {
				return fail(fmt.Sprintf("%s.grantTypes[%d]", f, j), "grant type %q is not one of authorization_code, client_credentials, password, refresh_token, organization_switch", g)
			}
			if g == "organization_switch" && a.Organization != "" {
				return fail(fmt.Sprintf("%s.grantTypes[%d]", f, j), "organization_switch is for root applications")
			}
		}
		if containsString(a.GrantTypes, "authorization_code") && len(a.CallbackURLs) == 0 {
			return fail(f+".callbackURLs", "authorization_code needs a callback URL")
		}
		switch a.AccessTokenType {
		case "", "Default", "JWT":
		default:
			return fail(f+".accessTokenType", "want \"Default\" or \"JWT\", got %q", a.AccessTokenType)
		}
		for j, z := range a.AuthorizedAPIs {
			zf := fmt.Sprintf("%s.authorizedAPIs[%d]", f, j)
			if !apis[z.Identifier] {
				return fail(zf+".identifier", "unknown API resource %q", z.Identifier)
			}
			for k, sc := range z.Scopes {
				if scopes[sc] != z.Identifier {
					return fail(fmt.Sprintf("%s.scopes[%d]", zf, k), "API resource %q has no scope %q", z.Identifier, sc)
				}
			}
		}
		for j, o := range a.SharedWith {
			if a.Organization != "" {
				return fail(fmt.Sprintf("%s.sharedWith[%d]", f, j), "only root applications can be shared")
			}
			if o == "" || !orgs[strings.ToLower(o)] {
				return fail(fmt.Sprintf("%s.sharedWith[%d]", f, j), "unknown organization %q", o)
			}
		}
	}
	for i, r := range s.Roles {
		f := fmt.Sprintf("roles[%d]", i)
		if err := checkOrg(f+".organization", r.Organization); err != nil {
			return err
		}
		if strings.TrimSpace(r.Name) == "" {
			return fail(f+".name", "empty name")
		}
		switch r.Audience.Type {
		case "organization", "":
		case "application":
			if !apps[strings.ToLower(r.Organization)+"/"+strings.ToLower(r.Audience.Application)] {
				return fail(f+".audience.application", "unknown application %q in that organization", r.Audience.Application)
			}
		default:
			return fail(f+".audience.type", "want \"organization\" or \"application\", got %q", r.Audience.Type)
		}
		for j, p := range r.Permissions {
			if _, ok := scopes[p]; !ok {
				return fail(fmt.Sprintf("%s.permissions[%d]", f, j), "unknown scope %q", p)
			}
		}
		for j, u := range r.Users {
			if !users[strings.ToLower(r.Organization)+"/"+strings.ToLower(u)] {
				return fail(fmt.Sprintf("%s.users[%d]", f, j), "unknown user %q in that organization", u)
			}
		}
	}
	return nil
}

func seedTemplate(t string) (string, error) {
	switch t {
	case "", "standard-based", TemplateStandardBased:
		return TemplateStandardBased, nil
	case "m2m", TemplateM2M:
		return TemplateM2M, nil
	}
	return "", fmt.Errorf("want \"standard-based\" or \"m2m\", got %q", t)
}

// ApplySeed adds everything in seed to the server, in dependency order:
// organizations, API resources, users, groups, applications, roles. The
// seed's rootOrganization must match the server's (see [WithSeed]).
func (s *Server) ApplySeed(seed *Seed) error {
	if seed.RootOrganization != "" && seed.RootOrganization != s.store.rootName {
		return fmt.Errorf("asgardeotest: seed is for root organization %q, the server is %q", seed.RootOrganization, s.store.rootName)
	}
	for _, o := range seed.Organizations {
		if _, err := s.AddOrganizationWithID(o.ID, o.Name); err != nil {
			return err
		}
	}
	for _, a := range seed.APIResources {
		if _, err := s.AddAPIResource(APIResourceSpec{Identifier: a.Identifier, Name: a.Name, Description: a.Description, Scopes: a.Scopes}); err != nil {
			return err
		}
	}
	for _, u := range seed.Users {
		if _, err := s.AddUser(u.Organization, u.Username, u.Password); err != nil {
			return err
		}
		for uri, v := range u.Claims {
			if err := s.SetUserClaim(u.Organization, u.Username, uri, v); err != nil {
				return err
			}
		}
	}
	for _, g := range seed.Groups {
		if _, err := s.AddGroup(g.Organization, g.Name, g.Members...); err != nil {
			return err
		}
	}
	appIDs := map[string]string{}
	for _, a := range seed.Applications {
		tmpl, _ := seedTemplate(a.Template)
		spec := AppSpec{
			Organization: a.Organization, Name: a.Name, Template: tmpl,
			ClientID: a.ClientID, ClientSecret: a.ClientSecret,
			GrantTypes: a.GrantTypes, CallbackURLs: a.CallbackURLs,
			PublicClient: a.PublicClient, PKCEMandatory: a.PKCEMandatory,
			AccessTokenType: a.AccessTokenType, RenewRefreshToken: a.RenewRefreshToken,
			Audience: strings.ToUpper(a.Audience), SharedWith: a.SharedWith,
		}
		for _, z := range a.AuthorizedAPIs {
			spec.AuthorizedAPIs = append(spec.AuthorizedAPIs, AuthorizedAPISpec(z))
		}
		created, err := s.AddApplication(spec)
		if err != nil {
			return err
		}
		appIDs[strings.ToLower(a.Organization)+"/"+strings.ToLower(a.Name)] = created.ID
	}
	for _, r := range seed.Roles {
		spec := RoleSpec{Organization: r.Organization, Name: r.Name, Permissions: r.Permissions, Users: r.Users, Groups: r.Groups}
		if r.Audience.Type == "application" {
			spec.Application = appIDs[strings.ToLower(r.Organization)+"/"+strings.ToLower(r.Audience.Application)]
		}
		if _, err := s.AddRole(spec); err != nil {
			return err
		}
	}
	return nil
}

// WithSeed loads seed into the server when it starts; the seed's
// rootOrganization, when set, names the root organization.
func WithSeed(seed *Seed) Option {
	return func(c *config) error {
		if seed == nil {
			return errors.New("asgardeotest: nil seed")
		}
		if seed.RootOrganization != "" {
			c.root = seed.RootOrganization
		}
		c.seeds = append(c.seeds, seed)
		return nil
	}
}
