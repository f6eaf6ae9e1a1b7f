package asgardeotest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// store is the fake's whole state. Every handler takes mu: RLock to read,
// Lock to change. Values reachable from the store are changed only under Lock.
type store struct {
	mu sync.RWMutex

	rootName  string
	rootOrgID string
	orgs      map[string]*org // by ID, the root included

	apps    map[string]*app // by ID, every organization
	clients map[string]*app // by client ID; fragments are not here

	apis            map[string]*apiResource // by ID
	apiOrder        []*apiResource          // ascending cursor
	apiByIdentifier map[string]*apiResource
	scopes          map[string]*apiScope // by scope name, across APIs

	tokens    map[opaqueID]*token // opaque access tokens, by value
	jwtTokens map[string]*token   // JWT access tokens, by value
	refresh   map[string]*token   // by refresh token
	codes     map[string]*authCode
	sweepQ    sweepQueues // tokens and codes in creation order, for the sweeper (sweep.go)
	sources   map[sourceKey]*grantSource
	epoch     time.Time // token times are kept as nanoseconds since it

	seq int64 // monotonic counter for cursors and ordering
}

func newStore(rootName string, epoch time.Time) *store {
	s := &store{
		rootName:        rootName,
		epoch:           epoch,
		sources:         map[sourceKey]*grantSource{},
		orgs:            map[string]*org{},
		apps:            map[string]*app{},
		clients:         map[string]*app{},
		apis:            map[string]*apiResource{},
		apiByIdentifier: map[string]*apiResource{},
		scopes:          map[string]*apiScope{},
		tokens:          map[opaqueID]*token{},
		jwtTokens:       map[string]*token{},
		refresh:         map[string]*token{},
		codes:           map[string]*authCode{},
	}
	root := newOrg(newUUID(), rootName)
	root.root = true
	s.rootOrgID = root.id
	s.orgs[root.id] = root
	return s
}

func (s *store) next() int64 { s.seq++; return s.seq }

// org is an organization: the root or a sub-organization.
type org struct {
	id, name    string
	root        bool
	deactivated bool

	users       map[string]*user // by ID
	usersByName map[string]*user // by lower-case username
	groups      map[string]*group
	roles       map[string]*role
	roleOrder   []*role
	appOrder    []*app         // creation order, fragments included
	appNames    map[string]int // fold key (see foldKey) of appOrder's names → how many
}

func newOrg(id, name string) *org {
	return &org{
		id: id, name: name,
		users:       map[string]*user{},
		usersByName: map[string]*user{},
		groups:      map[string]*group{},
		roles:       map[string]*role{},
		appNames:    map[string]int{},
	}
}

// addApp appends a to the organization's applications. Caller holds st.mu
// for writing.
func (o *org) addApp(a *app) {
	o.appOrder = append(o.appOrder, a)
	o.appNames[foldKey(a.name)]++
}

// removeApp removes a from the organization's applications. Caller holds
// st.mu for writing.
func (o *org) removeApp(a *app) {
	for i, x := range o.appOrder {
		if x == a {
			o.appOrder = append(o.appOrder[:i:i], o.appOrder[i+1:]...)
			o.dropName(a.name)
			return
		}
	}
}

// renameApp renames a, one of the organization's applications. Caller
// holds st.mu for writing.
func (o *org) renameApp(a *app, name string) {
	o.dropName(a.name)
	a.name = name
	o.appNames[foldKey(name)]++
}

func (o *org) dropName(name string) {
	k := foldKey(name)
	if o.appNames[k] <= 1 {
		delete(o.appNames, k)
		return
	}
	o.appNames[k]--
}

// hasAppName reports whether an application of the organization other
// than self (nil for none) is named name, ignoring case as
// strings.EqualFold does, in constant time rather than a scan.
func (o *org) hasAppName(name string, self *app) bool {
	k := foldKey(name)
	n := o.appNames[k]
	if self != nil && foldKey(self.name) == k {
		n--
	}
	return n > 0
}

// foldKey maps s to a key equal for two strings exactly when
// strings.EqualFold holds for them: each rune becomes the smallest rune of
// its Unicode simple-folding orbit.
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		// An ASCII letter's orbit starts with its upper case ('K' < 'k' <
		// the Kelvin sign).
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

type user struct {
	id, orgID, username string
	passwordHash        [32]byte
	claims              map[string]string // local claim URI → value
}

func (u *user) checkPassword(p string) bool {
	h := sha256.Sum256([]byte(p))
	return subtle.ConstantTimeCompare(h[:], u.passwordHash[:]) == 1
}

type group struct {
	id, orgID, name string
	members         map[string]bool // user IDs
}

// app is an application. A fragment is the copy of a root application in an
// organization it is shared with; it has no credentials of its own.
type app struct {
	id, orgID   string
	seq         int64
	name        string
	description string
	imageURL    string
	accessURL   string
	templateID  string
	enabled     bool
	managed     bool // isManagementApp

	fragment bool
	parent   *app            // for fragments: the root application
	shared   map[string]*app // for root apps: org ID → fragment

	oidc *oidcConfig // nil when the app has no OIDC inbound

	audience string   // "APPLICATION" or "ORGANIZATION"
	roleIDs  []string // associated roles (APPLICATION audience)

	claimConfig    json.RawMessage
	authSequence   json.RawMessage
	advancedConfig json.RawMessage

	authorized []*authorization // in order of authorization
}

// credentialsApp returns the application holding the OAuth2 settings: the
// parent for a fragment, a itself otherwise.
func (a *app) credentialsApp() *app {
	if a.fragment {
		return a.parent
	}
	return a
}

func (a *app) authorization(apiID string) *authorization {
	for _, z := range a.authorized {
		if z.apiID == apiID {
			return z
		}
	}
	return nil
}

type oidcConfig struct {
	clientID       string
	secretHash     [32]byte
	secret         string // shown only to callers with the client_secret_view scope
	state          string // ACTIVE or REVOKED
	grantTypes     []string
	callbackURLs   []string
	allowedOrigins []string
	publicClient   bool
	pkceMandatory  bool
	pkcePlain      bool

	accessTokenType string // "Default" (opaque) or "JWT"
	userExpiry      int64  // seconds
	appExpiry       int64
	refreshExpiry   int64
	idTokenExpiry   int64
	renewRefresh    bool

	// extra keeps the members of the configuration the fake stores but does
	// not interpret, to echo them back on GET.
	extra map[string]json.RawMessage
}

func (c *oidcConfig) hasGrant(g string) bool {
	for _, x := range c.grantTypes {
		if x == g {
			return true
		}
	}
	return false
}

func (c *oidcConfig) setSecret(secret string) {
	c.secret = secret
	c.secretHash = sha256.Sum256([]byte(secret))
}

func (c *oidcConfig) checkSecret(secret string) bool {
	h := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(h[:], c.secretHash[:]) == 1
}

// authorization is an API resource authorized to an application.
type authorization struct {
	apiID  string
	policy string // "RBAC" or "NO POLICY"
	scopes []string
}

type apiResource struct {
	id, name, identifier, description, typ string
	requiresAuthorization                  bool
	cursor                                 int64
	scopes                                 []*apiScope
	properties                             []property
}

type property struct{ Name, Value string }

type apiScope struct {
	id, name, displayName, description string
	apiID                              string
}

func (r *apiResource) scope(name string) *apiScope {
	for _, sc := range r.scopes {
		if sc.name == name {
			return sc
		}
	}
	return nil
}

// role is a role of one organization.
type role struct {
	id, orgID, name string
	audienceType    string // "organization" or "application"
	audienceValue   string // org ID or app ID
	shared          bool   // shared from the root; name and permissions are fixed
	sharedFrom      string // root role ID, for shared roles
	permissions     []string
	users           map[string]bool // user IDs
	groups          map[string]bool // group IDs
	seq             int64
}

// hasMember reports whether the user holds r directly or through a group.
func (r *role) hasMember(s *store, u *user) bool {
	if r.users[u.id] {
		return true
	}
	o := s.orgs[r.orgID]
	for gid := range r.groups {
		if g := o.groups[gid]; g != nil && g.members[u.id] {
			return true
		}
	}
	return false
}

// token is an issued access token and, for user grants, its refresh token,
// which live and die as a pair. It holds only what differs from one token
// to the next: what every token of one client and scope set shares is in
// its grantSource, and what only user grants and JWTs have is in ext. An
// opaque application token is this struct and its map entry, keyed by the
// 16 bytes its UUID spells.
type token struct {
	id        opaqueID     // the opaque value; a JWT access token's "jti"
	src       *grantSource // client, application, organization, scopes, grant
	ext       *tokenExt    // nil for opaque application tokens
	expiresAt int64        // nanoseconds since the store's epoch (store.at)
	revoked   bool
}

// grantSource is what tokens minted for one application in one
// organization, with one grant, lifetime and scope list, have in common.
// The store interns them (store.source), so tokens share one. It never
// changes once made.
type grantSource struct {
	clientID string
	appID    string // the application (a fragment when issued in an org for a shared app)
	orgID    string // the accessing organization; the root org's ID for root tokens
	scopes   []string
	scope    string // scopes joined by spaces, as the token endpoint and introspection answer
	aut      string // "APPLICATION" or "APPLICATION_USER"
	grant    string
	lifetime int64 // seconds from issue to the access token's expiry
}

// sourceKey identifies an interned grantSource; scope is the joined scope
// list, so a hit is confirmed against the list itself.
type sourceKey struct {
	clientID, appID, orgID, scope, grant string
	user                                 bool
	lifetime                             int64
}

// maxSources bounds the interned grant sources; past it the table starts
// over (tokens keep the sources they hold).
const maxSources = 4096

// tokenExt is the part of a token only user grants (the user, the refresh
// token) and JWT access tokens (the signed value) have.
type tokenExt struct {
	jwt              string // the signed access token; "" for an opaque one
	userID, username string
	refresh          string
	refreshExpires   int64  // nanoseconds since the store's epoch; 0 without a refresh token
	code             string // the authorization code it was issued from
	family           string // refresh-token family, for rotation reuse detection
	idToken          string
}

// access is the access token as the client holds it: the JWT once signed,
// the opaque UUID otherwise.
func (t *token) access() string {
	if t.jwt() {
		return t.ext.jwt
	}
	return t.id.String()
}

// jwt reports whether the access token is a signed JWT.
func (t *token) jwt() bool { return t.ext != nil && t.ext.jwt != "" }

// accessToken finds the token whose access token is value. Caller holds
// st.mu.
func (st *store) accessToken(value string) *token {
	if id, ok := parseOpaqueID(value); ok {
		return st.tokens[id]
	}
	return st.jwtTokens[value]
}

// allTokens yields every access token in the store, opaque and JWT. Caller
// holds st.mu.
func (st *store) allTokens() iter.Seq[*token] {
	return func(yield func(*token) bool) {
		for _, t := range st.tokens {
			if !yield(t) {
				return
			}
		}
		for _, t := range st.jwtTokens {
			if !yield(t) {
				return
			}
		}
	}
}

func (t *token) clientID() string { return t.src.clientID }
func (t *token) orgID() string    { return t.src.orgID }
func (t *token) scopes() []string { return t.src.scopes }

// userID is the user's ID, "" for an application token.
func (t *token) userID() string {
	if t.ext == nil {
		return ""
	}
	return t.ext.userID
}

// refresh is the refresh token, "" when the pair has none.
func (t *token) refresh() string {
	if t.ext == nil {
		return ""
	}
	return t.ext.refresh
}

// issuedAt is when t was issued, in nanoseconds since the store's epoch.
func (t *token) issuedAt() int64 {
	return t.expiresAt - int64(time.Duration(t.src.lifetime)*time.Second)
}

// active reports whether t is neither revoked nor expired at now
// (nanoseconds since the store's epoch, see store.stamp).
func (t *token) active(now int64) bool { return !t.revoked && now < t.expiresAt }

// stamp converts a time of the server's clock to nanoseconds since the
// store's epoch, the form tokens keep their times in. Like time.Time's
// comparisons, it uses the monotonic clock reading when both times have one.
func (st *store) stamp(t time.Time) int64 { return int64(t.Sub(st.epoch)) }

// at converts nanoseconds since the store's epoch back to a time.
func (st *store) at(ns int64) time.Time { return st.epoch.Add(time.Duration(ns)) }

// source returns the interned grant source of a token minted with these
// values. Caller holds st.mu for writing.
func (st *store) source(clientID, appID, orgID, grant string, user bool, lifetime int64, scopes []string) *grantSource {
	k := sourceKey{clientID: clientID, appID: appID, orgID: orgID, scope: strings.Join(scopes, " "),
		grant: grant, user: user, lifetime: lifetime}
	if src := st.sources[k]; src != nil && slices.Equal(src.scopes, scopes) {
		return src
	}
	src := &grantSource{clientID: clientID, appID: appID, orgID: orgID, scopes: scopes, scope: k.scope,
		aut: "APPLICATION", grant: grant, lifetime: lifetime}
	if user {
		src.aut = "APPLICATION_USER"
	}
	if len(st.sources) >= maxSources {
		clear(st.sources)
	}
	st.sources[k] = src
	return src
}

type authCode struct {
	code              string
	clientID          string
	appID             string
	orgID             string
	userID            string
	redirectURI       string
	scopes            []string
	challenge, method string
	nonce             string
	expiresAt         time.Time
	used              bool
	issued            []*token // tokens issued from it, revoked on reuse
}

// newUUID returns a random version-4 UUID from crypto/rand.
func newUUID() string { return newOpaqueID().String() }

// opaqueID is a UUID's 16 bytes. Opaque access tokens are kept by it: its
// String is the token, and parseOpaqueID takes exactly the strings String
// makes back to the bytes, so looking a string up by its bytes finds what
// looking it up as a string would.
type opaqueID [16]byte

// newOpaqueID returns a random version-4 UUID from crypto/rand.
func newOpaqueID() opaqueID {
	var b opaqueID
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

const hexDigits = "0123456789abcdef"

// String is the UUID's canonical form: lower-case hex, dashes after the
// 4th, 6th, 8th and 10th bytes.
func (b opaqueID) String() string {
	out := make([]byte, 36)
	j := 0
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexDigits[x>>4]
		out[j+1] = hexDigits[x&0x0f]
		j += 2
	}
	return string(out)
}

// parseOpaqueID parses the canonical form String makes, and nothing else
// (no upper case, no braces, no other layout).
func parseOpaqueID(s string) (opaqueID, bool) {
	var b opaqueID
	if len(s) != 36 {
		return b, false
	}
	j := 0
	for i := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			if s[j] != '-' {
				return b, false
			}
			j++
		}
		hi, lo := hexValue(s[j]), hexValue(s[j+1])
		if hi < 0 || lo < 0 {
			return b, false
		}
		b[i] = byte(hi<<4 | lo)
		j += 2
	}
	return b, true
}

// hexValue is the value of a lower-case hex digit, -1 for any other byte.
func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

// randomString returns n random bytes from crypto/rand, base64url-encoded,
// with an optional trailing suffix (Asgardeo client IDs end in "_a").
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func newClientID() string     { return strings.ReplaceAll(randomString(18), "-", "x") + "_a" }
func newClientSecret() string { return randomString(24) }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
