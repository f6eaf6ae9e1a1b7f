// Package asgardeotest is an in-memory fake Asgardeo for tests, shaped like
// net/http/httptest: [NewServer] starts one on a loopback port for a test and
// closes it when the test ends; [Start] does the same for programs.
//
// The fake holds a root organization, sub-organizations, users, groups,
// applications, API resources and roles, all created through seeding
// methods, and serves the organization APIs the asgardeo package calls with
// Asgardeo's behaviour: scope checks, grant rules, error shapes and status
// codes. It keeps a journal of the requests it served, with secrets masked,
// can inject faults, and runs on a clock that tests control.
package asgardeotest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asgardeo-go/asgardeo"
)

// DefaultRootOrganization is the root organization's name unless
// [WithRootOrganization] says otherwise.
const DefaultRootOrganization = "bestcarmart"

// Limits on what one request may carry.
const (
	maxBodyBytes  = 1 << 20
	maxFormFields = 64
	maxHeaders    = 100
)

// Option configures a [Server].
type Option func(*config) error

type config struct {
	root   string
	clock  *Clock
	logger *slog.Logger
	addr   string
	seeds  []*Seed
	tls    *tls.Certificate
	// keyGrace is how long a rotated-out signing key stays in the JWKS.
	keyGrace time.Duration
}

// WithTLS serves HTTPS with cert (for example a self-signed certificate, see
// cmd/asgardeo-fake -tls). [Server.Client] and [Server.HTTPClient] trust it.
func WithTLS(cert tls.Certificate) Option {
	return func(c *config) error {
		if len(cert.Certificate) == 0 {
			return errors.New("asgardeotest: WithTLS: empty certificate")
		}
		c.tls = &cert
		return nil
	}
}

// WithRootOrganization sets the root organization's name (tenant handle).
func WithRootOrganization(name string) Option {
	return func(c *config) error {
		if name == "" || strings.ContainsAny(name, "/?#% ") {
			return fmt.Errorf("asgardeotest: invalid root organization name %q", name)
		}
		c.root = name
		return nil
	}
}

// WithClock makes the server use clock, for example one shared by servers.
func WithClock(clock *Clock) Option {
	return func(c *config) error {
		if clock == nil {
			return errors.New("asgardeotest: nil clock")
		}
		c.clock = clock
		return nil
	}
}

// WithLogger logs one line per request (secrets masked) to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithAddr sets the listen address, default "127.0.0.1:0".
func WithAddr(addr string) Option {
	return func(c *config) error {
		c.addr = addr
		return nil
	}
}

// Server is a running fake Asgardeo.
type Server struct {
	// URL is the base URL, scheme://host:port, with no trailing slash. Asgardeo
	// paths live under URL + "/t/" + root.
	URL string

	clock   *Clock
	logger  *slog.Logger
	store   *store
	journal journal
	faults  faultSet
	logins  loginQueue // outcomes of the next authorization requests (oauth_authorize.go)
	oidc    *oidcState // signing keys and pending browser logins

	admin Application // the root admin application srv.Client uses

	httpSrv    *http.Server
	httpClient *http.Client
	listener   net.Listener
	mux        *http.ServeMux
	closeMu    sync.Mutex
	closed     bool
	done       chan struct{}
	sweepStop  chan struct{} // closed by Close to end the sweeper (sweep.go)
	sweepDone  chan struct{}
}

// NewServer starts a fake on a loopback port and closes it when t ends.
// Setup failures end the test.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("asgardeotest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake for programs that are not tests. The caller must call
// Close when finished.
func Start(opts ...Option) (*Server, error) {
	cfg := config{root: DefaultRootOrganization, addr: "127.0.0.1:0", keyGrace: DefaultKeyGracePeriod}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.clock == nil {
		cfg.clock = NewClock(time.Now())
	}
	s := &Server{
		clock:  cfg.clock,
		logger: cfg.logger,
		store:  newStore(cfg.root, cfg.clock.Now()),
		oidc:   newOIDCState(cfg.keyGrace),
		done:   make(chan struct{}),
	}
	s.routes()
	if err := s.seedDefaults(); err != nil {
		return nil, err
	}
	for _, seed := range cfg.seeds {
		if err := s.ApplySeed(seed); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("asgardeotest: listen: %w", err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.httpClient = &http.Client{}
	if cfg.tls != nil {
		leaf, err := x509.ParseCertificate(cfg.tls.Certificate[0])
		if err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("asgardeotest: WithTLS: %w", err)
		}
		pool := x509.NewCertPool()
		pool.AddCert(leaf)
		s.httpClient.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*cfg.tls}, MinVersion: tls.VersionTLS12})
		s.URL = "https://" + ln.Addr().String()
	}
	s.listener = ln
	s.httpSrv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	s.startSweeper()
	go func() {
		defer close(s.done)
		_ = s.httpSrv.Serve(ln)
	}()
	return s, nil
}

// Close shuts the server down, waiting for in-flight requests (at most five
// seconds, then it drops them). It is safe to call more than once.
func (s *Server) Close() {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	s.faults.release()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.httpSrv.Shutdown(ctx); err != nil {
		_ = s.httpSrv.Close()
	}
	<-s.done
	s.stopSweeper()
}

// RootOrganization returns the root organization's name.
func (s *Server) RootOrganization() string { return s.store.rootName }

// RootOrganizationID returns the root organization's ID.
func (s *Server) RootOrganizationID() string { return s.store.rootOrgID }

// Clock returns the server's clock; advance it to expire tokens and codes.
func (s *Server) Clock() *Clock { return s.clock }

// TenantURL returns URL + "/t/" + root: the base of every Asgardeo path.
func (s *Server) TenantURL() string { return s.URL + "/t/" + s.store.rootName }

// Client returns an asgardeo.Client pointed at the fake, authenticated as the
// root admin application (see [Server.Admin]) and sharing the fake's clock.
// opts are applied after those settings.
func (s *Server) Client(opts ...asgardeo.Option) *asgardeo.Client {
	base := []asgardeo.Option{
		asgardeo.WithBaseURL(s.URL),
		asgardeo.WithHTTPClient(s.HTTPClient()),
		asgardeo.WithCredentials(s.admin.ClientID, s.admin.ClientSecret),
		asgardeo.WithClock(s.clock.Now),
	}
	c, err := asgardeo.New(s.store.rootName, append(base, opts...)...)
	if err != nil {
		// Only the caller's options can fail; report them as a programming error.
		panic("asgardeotest: Client: " + err.Error())
	}
	return c
}

// HTTPClient returns an *http.Client for the fake: it trusts the server's
// certificate when the server serves HTTPS.
func (s *Server) HTTPClient() *http.Client {
	c := *s.httpClient
	return &c
}

// Admin returns the root admin application: it has the client_credentials
// and organization_switch grants, is shared with every organization and is
// authorized to every organization management scope.
func (s *Server) Admin() Application { return s.admin }

// ServeHTTP serves the fake's API. It records the request in the journal,
// applies injected faults and limits, and routes /t/{root}/... .
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// One allocation holds the recorder and the journal entry.
	x := &exchange{rec: recorder{ResponseWriter: w, status: http.StatusOK}}
	rec, entry := &x.rec, &x.entry
	s.journal.begin(entry, r, s.clock.Now())
	defer s.finish(x)
	if len(r.Header) > maxHeaders {
		writeREST(rec, http.StatusRequestHeaderFieldsTooLarge, "UE-10000", "Invalid Request.", "Too many request headers.")
		return
	}
	r.Body = http.MaxBytesReader(rec, r.Body, maxBodyBytes)
	if err := entry.captureBody(r); err != nil {
		writeREST(rec, http.StatusRequestEntityTooLarge, "UE-10000", "Invalid Request.", "Request body is too large.")
		return
	}
	if s.applyFault(rec, r, entry) {
		return
	}
	s.route(rec, r)
}

// exchange is the per-request state of ServeHTTP.
type exchange struct {
	rec   recorder
	entry Entry
}

// finish journals the request and logs it.
func (s *Server) finish(x *exchange) {
	entry := &x.entry
	entry.Status = x.rec.status
	s.journal.finish(entry)
	if s.logger != nil {
		s.logger.Info("asgardeotest", "method", entry.Method, "path", entry.Path, "status", entry.Status, "grant_type", entry.GrantType)
	}
}

// route strips /t/{root} and dispatches to the endpoint handlers.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	rec := w
	prefix := "/t/" + s.store.rootName + "/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		writeREST(rec, http.StatusNotFound, "UE-10000", "Not Found", "The requested resource does not exist.")
		return
	}
	// A shallow copy with its own URL, as http.StripPrefix makes: the
	// handlers see the tenant-relative path, and the caller's request keeps
	// the full one for the journal and faults.
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	r2.URL = &u
	r2.URL.Path = r.URL.Path[len(prefix)-1:]
	r2.URL.RawPath = ""
	if raw, ok := strings.CutPrefix(r.URL.RawPath, "/t/"); ok {
		// The root may be escaped differently in the raw path (a non-ASCII
		// name): cut after its segment rather than at the decoded length.
		if i := strings.Index(raw, "/"); i >= 0 {
			r2.URL.RawPath = raw[i:]
		}
	}
	s.mux.ServeHTTP(rec, r2)
}

// routes registers every endpoint, each family from its own file.
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/o/scim2/") || strings.HasPrefix(r.URL.Path, "/scim2/") {
			writeSCIM(w, http.StatusNotFound, "", "The requested resource does not exist.")
			return
		}
		writeREST(w, http.StatusNotFound, "UE-10000", "Not Found", "The requested resource does not exist.")
	})
	s.routesOAuth()
	s.routesOIDC()
	s.routesApplications()
	s.routesAPIResources()
	s.routesRoles()
}

// recorder keeps the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status = code
		r.wroteHeader = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to hijack it).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
