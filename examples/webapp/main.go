// Command webapp is a web login with the authorization-code grant: PKCE,
// state and nonce, and the ID token verified against the organization's keys.
//
// With no configuration it starts the fake Asgardeo with the demo seed,
// registers an application whose callback is this server, and serves on
// 127.0.0.1:8080: open it in a browser and log in as Charlie / jG9A5KrX on
// the fake's login page.
//
//	go run ./examples/webapp
//
// Against a real tenant, set ASGARDEO_BASE_URL, ASGARDEO_ROOT_ORG,
// ASGARDEO_ORG_ID, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET for a
// Standard-Based application whose callback URL is
// http://127.0.0.1:8080/callback (WEBAPP_ADDR changes the address).
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "webapp:", err)
		os.Exit(1)
	}
}

// demoOrg is the organization of the demo seed.
const demoOrg = "7e98b86f-63c7-41a1-8c56-c909a21a2615"

// scopes the web app asks for.
var scopes = []string{"openid", "profile", "email", "read_stores"}

func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	addr := getenv("WEBAPP_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	app, cleanup, err := setup(getenv, "http://"+ln.Addr().String())
	if err != nil {
		ln.Close()
		return err
	}
	defer cleanup()
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(w, "web app on http://%s — open it and log in", ln.Addr())
	if app.fake != nil {
		fmt.Fprint(w, " as Charlie / jG9A5KrX (the fake's demo user)")
	}
	fmt.Fprintln(w)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// webApp is the web application: a login link, the callback, and a page
// that shows who logged in.
type webApp struct {
	tokens   *asgardeo.AppTokens
	verifier *asgardeo.Verifier
	fake     *asgardeotest.Server // nil against a real tenant

	mu      sync.Mutex
	pending map[string]pendingLogin // by session cookie
}

// pendingLogin is what the callback must check: state, PKCE verifier, nonce.
type pendingLogin struct {
	state, verifier, nonce string
	expires                time.Time
}

// setup builds the app against the fake (registering an application whose
// callback is baseURL/callback) or against the tenant in the environment.
func setup(getenv func(string) string, baseURL string) (*webApp, func(), error) {
	callback := baseURL + "/callback"
	var (
		client      *asgardeo.Client
		orgID       string
		id, secret  string
		fake        *asgardeotest.Server
		cleanupFake = func() {}
	)
	if base := getenv("ASGARDEO_BASE_URL"); base != "" {
		var err error
		if client, err = asgardeo.New(getenv("ASGARDEO_ROOT_ORG"), asgardeo.WithBaseURL(base)); err != nil {
			return nil, nil, err
		}
		orgID, id, secret = getenv("ASGARDEO_ORG_ID"), getenv("ASGARDEO_CLIENT_ID"), getenv("ASGARDEO_CLIENT_SECRET")
	} else {
		var err error
		if fake, err = asgardeotest.Start(asgardeotest.WithSeed(asgardeotest.DemoSeed())); err != nil {
			return nil, nil, err
		}
		cleanupFake = fake.Close
		reg, err := fake.AddApplication(asgardeotest.AppSpec{
			Organization: demoOrg, Name: "webapp-example", GrantTypes: []string{"authorization_code", "refresh_token"},
			CallbackURLs: []string{callback}, PKCEMandatory: true,
			AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "stores_api", Scopes: []string{"read_stores"}}},
		})
		if err == nil {
			_, err = fake.AddRole(asgardeotest.RoleSpec{Organization: demoOrg, Name: "webapp-reader", Application: reg.ID, Permissions: []string{"read_stores"}, Users: []string{"Charlie"}})
		}
		if err != nil {
			fake.Close()
			return nil, nil, err
		}
		client, orgID, id, secret = fake.Client(), demoOrg, reg.ClientID, reg.ClientSecret
	}
	org, err := client.Org(orgID)
	if err != nil {
		cleanupFake()
		return nil, nil, err
	}
	tokens := org.Tokens().ForApp(id, secret, asgardeo.WithRedirectURL(callback))
	verifier, err := tokens.Verifier()
	if err != nil {
		cleanupFake()
		return nil, nil, err
	}
	return &webApp{tokens: tokens, verifier: verifier, fake: fake, pending: map[string]pendingLogin{}},
		func() { client.Close(); cleanupFake() }, nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Web app example</title></head>
<body>
{{if .Error}}<p><strong>Login failed:</strong> {{.Error}}</p>{{end}}
{{if .Subject}}<h1>Hello {{.Name}}</h1>
<p>Subject {{.Subject}} in organization {{.OrgID}}</p>
<p>Granted scopes: {{.Scopes}}</p>
<p>ID token verified: signature, issuer, audience, expiry, nonce and at_hash.</p>
{{else}}<p><a href="/login">Log in with Asgardeo</a></p>{{end}}
</body></html>
`))

type pageData struct {
	Error, Subject, Name, OrgID, Scopes string
}

func (a *webApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		a.render(w, http.StatusOK, pageData{})
	case "/login":
		a.login(w, r)
	case "/callback":
		a.callback(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (a *webApp) render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}

// login starts the flow: a fresh state, PKCE verifier and nonce, kept
// server-side under a random session cookie.
func (a *webApp) login(w http.ResponseWriter, r *http.Request) {
	p := pendingLogin{state: randomToken(), nonce: randomToken(), expires: time.Now().Add(10 * time.Minute)}
	var authURL string
	authURL, p.verifier = a.tokens.AuthCodeURL(p.state, scopes, asgardeo.WithNonce(p.nonce))
	session := randomToken()
	a.mu.Lock()
	a.pending[session] = p
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "webapp_session", Value: session, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	http.Redirect(w, r, authURL, http.StatusFound)
}

// callback checks state, exchanges the code with the PKCE verifier, and
// verifies the ID token and its nonce.
func (a *webApp) callback(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("webapp_session")
	if err != nil {
		a.render(w, http.StatusBadRequest, pageData{Error: "no login in progress"})
		return
	}
	a.mu.Lock()
	p, ok := a.pending[c.Value]
	delete(a.pending, c.Value) // one use
	a.mu.Unlock()
	if !ok || time.Now().After(p.expires) {
		a.render(w, http.StatusBadRequest, pageData{Error: "no login in progress"})
		return
	}
	code, err := asgardeo.CheckCallback(r.URL.Query(), p.state)
	if err != nil {
		a.render(w, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	tok, err := a.tokens.Exchange(r.Context(), code, p.verifier)
	if err != nil {
		a.render(w, http.StatusBadGateway, pageData{Error: err.Error()})
		return
	}
	id, err := a.verifier.VerifyIDToken(r.Context(), asgardeo.IDToken(tok), p.nonce)
	if err == nil {
		err = id.VerifyAccessToken(tok.AccessToken)
	}
	if err != nil {
		a.render(w, http.StatusBadGateway, pageData{Error: err.Error()})
		return
	}
	name, _ := id.Claims["given_name"].(string)
	if name == "" {
		name, _ = id.Claims["username"].(string)
	}
	if name == "" {
		name = id.Subject
	}
	a.render(w, http.StatusOK, pageData{Subject: id.Subject, Name: name, OrgID: id.OrgID, Scopes: strings.Join(asgardeo.GrantedScopes(tok), " ")})
}
