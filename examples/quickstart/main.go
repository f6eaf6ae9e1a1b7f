// Command quickstart walks the story of Asgardeo's "Manage applications in
// organizations" guide with the SDK: it creates an organization application
// from each template, authorizes them to an API resource, creates a role and
// assigns a user, gets tokens with all four grants, then introspects,
// refreshes and revokes them.
//
// With no configuration it starts the fake Asgardeo (asgardeotest) in the
// same process, loaded with the demo seed:
//
//	go run ./examples/quickstart
//
// With ASGARDEO_BASE_URL, ASGARDEO_ROOT_ORG, ASGARDEO_ORG_ID,
// ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET set (a root application
// shared with the organization, with the client_credentials and
// organization_switch grants and the internal_org_* scopes), it runs against
// that tenant and deletes what it created. ASGARDEO_API_IDENTIFIER names the
// API resource to authorize (default stores_api) and ASGARDEO_USER_ID,
// ASGARDEO_USERNAME and ASGARDEO_PASSWORD a user of the organization for the
// user grants; without them those steps are skipped. The authorization-code
// step needs the fake's programmatic login, so it runs against the fake only.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// demoOrg is the organization of the demo seed.
const demoOrg = "7e98b86f-63c7-41a1-8c56-c909a21a2615"

// story holds what the steps share.
type story struct {
	w    io.Writer
	org  *asgardeo.Org
	fake *asgardeotest.Server // nil against a real tenant

	apiIdentifier                    string
	userID, username, password       string
	web, m2m                         *asgardeo.Application
	roleID                           string
	cleanup                          []func(context.Context) error
	step                             int
	userScopesNote, clientScopesNote string
}

func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	s := &story{w: w, apiIdentifier: "stores_api"}
	client, orgID, err := s.connect(getenv)
	if err != nil {
		return err
	}
	defer client.Close()
	if s.fake != nil {
		defer s.fake.Close()
	}
	if s.org, err = client.Org(orgID); err != nil {
		return err
	}
	defer s.cleanUp()

	for _, step := range []func(context.Context) error{
		s.createApplications,
		s.authorizeAPI,
		s.createRole,
		s.clientCredentials,
		s.passwordGrant,
		s.authorizationCode,
		s.introspectRefreshRevoke,
	} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "\nDone.")
	return nil
}

// connect starts the fake, or reads a tenant's settings from the environment.
func (s *story) connect(getenv func(string) string) (*asgardeo.Client, string, error) {
	base := getenv("ASGARDEO_BASE_URL")
	if base == "" {
		srv, err := asgardeotest.Start(asgardeotest.WithSeed(asgardeotest.DemoSeed()))
		if err != nil {
			return nil, "", err
		}
		s.fake = srv
		s.username, s.password = "Dana", "quickstart-Pa55"
		u, err := srv.AddUser(demoOrg, s.username, s.password)
		if err != nil {
			return nil, "", err
		}
		s.userID = u.ID
		fmt.Fprintf(s.w, "Using the embedded fake Asgardeo at %s (root organization %q, organization %s).\n", srv.URL, srv.RootOrganization(), demoOrg)
		fmt.Fprintf(s.w, "Set ASGARDEO_BASE_URL and friends to run against a real tenant.\n")
		return srv.Client(), demoOrg, nil
	}
	for _, k := range []string{"ASGARDEO_ROOT_ORG", "ASGARDEO_ORG_ID", "ASGARDEO_CLIENT_ID", "ASGARDEO_CLIENT_SECRET"} {
		if getenv(k) == "" {
			return nil, "", fmt.Errorf("ASGARDEO_BASE_URL is set, so %s must be set too", k)
		}
	}
	if v := getenv("ASGARDEO_API_IDENTIFIER"); v != "" {
		s.apiIdentifier = v
	}
	s.userID, s.username, s.password = getenv("ASGARDEO_USER_ID"), getenv("ASGARDEO_USERNAME"), getenv("ASGARDEO_PASSWORD")
	client, err := asgardeo.New(getenv("ASGARDEO_ROOT_ORG"),
		asgardeo.WithBaseURL(base),
		asgardeo.WithCredentials(getenv("ASGARDEO_CLIENT_ID"), getenv("ASGARDEO_CLIENT_SECRET")))
	if err != nil {
		return nil, "", err
	}
	fmt.Fprintf(s.w, "Using the REAL tenant %s/t/%s, organization %s. Everything created here is deleted at the end.\n",
		client.BaseURL(), client.RootOrganization(), getenv("ASGARDEO_ORG_ID"))
	return client, getenv("ASGARDEO_ORG_ID"), nil
}

func (s *story) title(format string, args ...any) {
	s.step++
	fmt.Fprintf(s.w, "\n%d. %s\n", s.step, fmt.Sprintf(format, args...))
}

func (s *story) say(format string, args ...any) {
	fmt.Fprintf(s.w, "   %s\n", fmt.Sprintf(format, args...))
}

// cleanUp deletes what the story created, newest first.
func (s *story) cleanUp() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		if err := s.cleanup[i](ctx); err != nil && !errors.Is(err, asgardeo.ErrNotFound) {
			fmt.Fprintf(s.w, "   clean-up: %v\n", err)
		}
	}
}

func (s *story) createApplications(ctx context.Context) error {
	s.title("Create organization applications from both templates")
	suffix := time.Now().UTC().Format("150405")
	web := asgardeo.NewStandardBasedApplication("quickstart-web-"+suffix, "https://quickstart.example.com/callback")
	// The password grant too, so the story can show every grant.
	web.InboundProtocolConfiguration.OIDC.GrantTypes = append(web.InboundProtocolConfiguration.OIDC.GrantTypes, "password")
	apps := s.org.Applications()
	var err error
	if s.web, err = apps.Create(ctx, web); err != nil {
		return fmt.Errorf("creating the standard-based application: %w", err)
	}
	s.cleanup = append(s.cleanup, func(ctx context.Context) error { return apps.Delete(ctx, s.web.ID) })
	s.say("standard-based %-26s id %s, client %s (grants %s)", s.web.Name, s.web.ID, s.web.ClientID, strings.Join(web.InboundProtocolConfiguration.OIDC.GrantTypes, ", "))

	if s.m2m, err = apps.Create(ctx, asgardeo.NewM2MApplication("quickstart-m2m-"+suffix)); err != nil {
		return fmt.Errorf("creating the M2M application: %w", err)
	}
	s.cleanup = append(s.cleanup, func(ctx context.Context) error { return apps.Delete(ctx, s.m2m.ID) })
	s.say("M2M            %-26s id %s, client %s (grant client_credentials)", s.m2m.Name, s.m2m.ID, s.m2m.ClientID)
	return nil
}

func (s *story) authorizeAPI(ctx context.Context) error {
	s.title("Authorize both applications to the inherited API resource %q", s.apiIdentifier)
	var api *asgardeo.APIResource
	for r, err := range s.org.APIResources().All(ctx, &asgardeo.ListAPIResourcesOptions{Filter: asgardeo.Where("identifier", asgardeo.FilterEq, s.apiIdentifier)}) {
		if err != nil {
			return err
		}
		api = r
		break
	}
	if api == nil {
		return fmt.Errorf("the organization inherits no API resource %q", s.apiIdentifier)
	}
	scopes, err := s.org.APIResources().Scopes(ctx, api.ID)
	if err != nil {
		return err
	}
	var names []string
	for _, sc := range scopes {
		names = append(names, sc.Name)
	}
	s.say("%s (%s) offers scopes: %s", api.Name, api.Type, strings.Join(names, " "))
	if len(names) < 2 {
		return fmt.Errorf("API resource %q needs at least two scopes for this story", s.apiIdentifier)
	}
	webScopes := names[:2]
	apps := s.org.Applications()
	if err := apps.AuthorizeAPI(ctx, s.web.ID, api.ID, asgardeo.PolicyRBAC, webScopes...); err != nil {
		return err
	}
	if err := apps.AuthorizeAPI(ctx, s.m2m.ID, api.ID, asgardeo.PolicyRBAC, names...); err != nil {
		return err
	}
	s.say("%s may ask for: %s", s.web.Name, strings.Join(webScopes, " "))
	s.say("%s may ask for: %s", s.m2m.Name, strings.Join(names, " "))
	s.userScopesNote = strings.Join(webScopes, " ")
	s.clientScopesNote = strings.Join(names, " ")
	return nil
}

func (s *story) createRole(ctx context.Context) error {
	s.title("Create an organization role for %s and assign a user", s.web.Name)
	if s.userID == "" {
		s.say("skipped: set ASGARDEO_USER_ID, ASGARDEO_USERNAME and ASGARDEO_PASSWORD to run the user steps")
		return nil
	}
	perm := strings.Fields(s.userScopesNote)[0]
	role, err := s.org.Roles().Create(ctx, &asgardeo.RoleSpec{
		DisplayName: "quickstart-" + perm,
		Audience:    asgardeo.ApplicationAudience(s.web.ID),
		Permissions: []string{perm},
		Users:       []string{s.userID},
	})
	if err != nil {
		return err
	}
	s.roleID = role.ID
	s.cleanup = append(s.cleanup, func(ctx context.Context) error { return s.org.Roles().Delete(ctx, role.ID) })
	s.say("role %q (audience: application %s) with permission %s, assigned to %s", role.DisplayName, s.web.Name, perm, s.username)
	s.userScopesNote = perm
	return nil
}

func (s *story) clientCredentials(ctx context.Context) error {
	s.title("Client credentials: %s asks for every scope and one it was never given", s.m2m.Name)
	ask := append(strings.Fields(s.clientScopesNote), "internal_org_user_mgt_list")
	tok, err := s.org.Tokens().ForApp(s.m2m.ClientID, s.m2m.ClientSecret).ClientCredentials(ask...).Token()
	if err != nil {
		return err
	}
	s.say("asked:   %s", strings.Join(ask, " "))
	s.say("granted: %s", strings.Join(asgardeo.GrantedScopes(tok), " "))
	s.say("why: an application token gets the requested scopes authorized to the application; the rest is dropped")
	return nil
}

func (s *story) webTokens() *asgardeo.AppTokens {
	return s.org.Tokens().ForApp(s.web.ClientID, s.web.ClientSecret, asgardeo.WithRedirectURL("https://quickstart.example.com/callback"))
}

func (s *story) passwordGrant(ctx context.Context) error {
	s.title("Password grant: %s signs in to %s", s.username, s.web.Name)
	if s.userID == "" {
		s.say("skipped: no user configured")
		return nil
	}
	ask := strings.Fields(s.clientScopesNote)
	tok, err := s.webTokens().Password(ctx, s.username, s.password, ask...)
	if err != nil {
		return err
	}
	s.say("asked:   %s", strings.Join(ask, " "))
	s.say("granted: %s", strings.Join(asgardeo.GrantedScopes(tok), " "))
	s.say("why: a user token gets only scopes both the application and the user's roles hold (%s)", s.userScopesNote)
	return nil
}

func (s *story) authorizationCode(ctx context.Context) error {
	s.title("Authorization code with PKCE: %s logs in through the browser flow", s.username)
	if s.fake == nil || s.userID == "" {
		s.say("skipped: needs the fake's programmatic login (a real tenant needs a browser; see examples/webapp)")
		return nil
	}
	tokens := s.webTokens()
	state := "quickstart-state"
	authURL, verifier := tokens.AuthCodeURL(state, []string{"openid", s.userScopesNote})
	if err := s.fake.LoginAs(demoOrg, s.username); err != nil {
		return err
	}
	redirect, err := followAuthorize(ctx, s.fake.HTTPClient(), authURL)
	if err != nil {
		return err
	}
	code, err := asgardeo.CheckCallback(redirect.Query(), state)
	if err != nil {
		return err
	}
	s.say("redirected to %s://%s%s with a code; state checked", redirect.Scheme, redirect.Host, redirect.Path)
	tok, err := tokens.Exchange(ctx, code, verifier)
	if err != nil {
		return err
	}
	s.say("granted: %s (refresh token: %t, ID token: %t)", strings.Join(asgardeo.GrantedScopes(tok), " "), tok.RefreshToken != "", asgardeo.IDToken(tok) != "")
	if _, err := tokens.Exchange(ctx, code, verifier); errors.Is(err, asgardeo.ErrInvalidGrant) {
		s.say("the code is single-use: a second exchange fails with invalid_grant")
	}
	return nil
}

// followAuthorize requests the authorize URL and returns the redirect it answers with.
func followAuthorize(ctx context.Context, hc *http.Client, authURL string) (*url.URL, error) {
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("authorize answered %s, want a redirect", resp.Status)
	}
	return url.Parse(resp.Header.Get("Location"))
}

func (s *story) introspectRefreshRevoke(ctx context.Context) error {
	s.title("Introspect, refresh, revoke, introspect again")
	if s.userID == "" {
		s.say("skipped: no user configured")
		return nil
	}
	tokens := s.webTokens()
	tok, err := tokens.Password(ctx, s.username, s.password, s.userScopesNote)
	if err != nil {
		return err
	}
	info, err := tokens.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	if err != nil {
		return err
	}
	s.say("introspect: active=%t user=%s org=%s scopes=%s expires in %s", info.Active, info.Username, info.OrgID,
		strings.Join(info.Scopes, " "), info.ExpiresAt.Sub(info.IssuedAt).Round(time.Second))

	refreshed, err := tokens.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		return err
	}
	s.say("refresh: a new access token (different: %t), scopes %s", refreshed.AccessToken != tok.AccessToken, strings.Join(asgardeo.GrantedScopes(refreshed), " "))

	if err := tokens.Revoke(ctx, refreshed.AccessToken, asgardeo.AccessTokenHint); err != nil {
		return err
	}
	after, err := tokens.Introspect(ctx, refreshed.AccessToken, asgardeo.AccessTokenHint)
	if err != nil {
		return err
	}
	s.say("revoke, then introspect: active=%t", after.Active)
	if _, err := tokens.Refresh(ctx, refreshed.RefreshToken); errors.Is(err, asgardeo.ErrInvalidGrant) {
		s.say("its refresh token died with it: refreshing now fails with invalid_grant")
	}
	if !slices.Equal(info.Scopes, strings.Fields(s.userScopesNote)) {
		return fmt.Errorf("introspected scopes %v, want %s", info.Scopes, s.userScopesNote)
	}
	return nil
}
