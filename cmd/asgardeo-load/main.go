// Command asgardeo-load measures the asgardeotest fake over loopback: token
// issuance and introspection throughput with keep-alive connections, the
// machine's RSA signing rate as the ceiling of JWT issuance, start-up time,
// and memory per application and per token at scale.
//
//	go run ./cmd/asgardeo-load -scenario all -duration 5s -c 32
//
// Every run is bounded: it stops after -duration or after -n requests,
// whichever comes first. By default the fake runs in this process; -url
// targets a running asgardeo-fake instead (loopback addresses only), with
// -client-id and -client-secret naming a root application that has the
// client_credentials grant (the demo seed's admin-portal by default).
//
// Scenarios:
//
//	cc          client-credentials issuance of opaque tokens
//	introspect  introspection of one opaque token
//	jwt         client-credentials issuance of RS256 JWT access tokens,
//	            with the rsa ceiling measured in the same run
//	rsa         raw RSA-2048 PKCS#1 v1.5 SHA-256 signatures, GOMAXPROCS workers
//	noop        a do-nothing net/http server, the floor of any handler
//	startup     asgardeotest.Start to first answer, and the asgardeo-fake
//	            binary (-fake-bin) from exec to first answer
//	scale       memory per application and per live token, page-listing
//	            times at the start and the end of the lists
//	all         cc, introspect, jwt (with rsa) and noop
//
// The last line reports the process's peak resident set (VmHWM).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "asgardeo-load:", err)
		os.Exit(1)
	}
}

// config holds the parsed flags.
type config struct {
	scenario     string
	duration     time.Duration
	n            int64
	concurrency  int
	url          string
	clientID     string
	clientSecret string
	fakeBin      string
	apps, tokens int
}

// maxDuration and maxRequests bound every run, whatever the flags say.
const (
	maxDuration = 10 * time.Minute
	maxRequests = 100_000_000
)

func parseFlags(args []string, out io.Writer) (*config, error) {
	fs := flag.NewFlagSet("asgardeo-load", flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := &config{}
	fs.StringVar(&cfg.scenario, "scenario", "all", "cc, introspect, jwt, rsa, noop, startup, scale or all")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "how long each throughput scenario runs (at most 10m)")
	fs.Int64Var(&cfg.n, "n", 0, "stop each throughput scenario after this many requests (0: only -duration bounds it)")
	fs.IntVar(&cfg.concurrency, "c", 32, "concurrent clients, each with its own keep-alive connection")
	fs.StringVar(&cfg.url, "url", "", "base URL of a running asgardeo-fake (loopback only); default: an in-process fake")
	fs.StringVar(&cfg.clientID, "client-id", "rootAdminClient", "with -url: a root application with the client_credentials grant")
	fs.StringVar(&cfg.clientSecret, "client-secret", "rootAdminSecret", "with -url: its client secret")
	fs.StringVar(&cfg.fakeBin, "fake-bin", "", "startup: the asgardeo-fake binary to time (skipped when empty)")
	fs.IntVar(&cfg.apps, "apps", 100_000, "scale: applications to seed")
	fs.IntVar(&cfg.tokens, "tokens", 1_000_000, "scale: live tokens to issue")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case cfg.duration <= 0 || cfg.duration > maxDuration:
		return nil, fmt.Errorf("-duration %v: want more than 0 and at most %v", cfg.duration, maxDuration)
	case cfg.n < 0 || cfg.n > maxRequests:
		return nil, fmt.Errorf("-n %d: want 0 to %d", cfg.n, maxRequests)
	case cfg.concurrency < 1 || cfg.concurrency > 4096:
		return nil, fmt.Errorf("-c %d: want 1 to 4096", cfg.concurrency)
	case cfg.apps < 0 || cfg.tokens < 0 || cfg.apps > 10_000_000 || cfg.tokens > 100_000_000:
		return nil, errors.New("-apps and -tokens: want 0 to 10,000,000 and 0 to 100,000,000")
	}
	if cfg.url != "" {
		if err := checkLoopback(cfg.url); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// checkLoopback accepts only URLs of this machine: the load program is not a
// tool for loading other hosts.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %q: only loopback addresses may be targeted", raw)
}

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "asgardeo-load: GOMAXPROCS=%d NumCPU=%d %s concurrency=%d duration=%v n=%d\n",
		runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version(), cfg.concurrency, cfg.duration, cfg.n)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(out, "load average at start: %s", load)
	}
	var scenarios []string
	if cfg.scenario == "all" {
		scenarios = []string{"cc", "introspect", "jwt", "noop"}
	} else {
		scenarios = []string{cfg.scenario}
	}
	for _, sc := range scenarios {
		if err := runScenario(ctx, cfg, sc, out); err != nil {
			return fmt.Errorf("%s: %w", sc, err)
		}
	}
	fmt.Fprintf(out, "peak RSS (VmHWM): %s\n", peakRSS())
	return nil
}

func runScenario(ctx context.Context, cfg *config, sc string, out io.Writer) error {
	switch sc {
	case "cc", "introspect", "jwt":
		return runFake(ctx, cfg, sc, out)
	case "rsa":
		_, err := runRSA(ctx, cfg, out)
		return err
	case "noop":
		return runNoop(ctx, cfg, out)
	case "startup":
		return runStartup(ctx, cfg, out)
	case "scale":
		return runScale(cfg, out)
	}
	return fmt.Errorf("unknown scenario %q", sc)
}

// target is a fake to load: its URL and a root application's credentials.
type target struct {
	base, root       string
	clientID, secret string
	jwtID, jwtSecret string
	close            func()
	startedInProcess bool
}

func startTarget(cfg *config) (*target, error) {
	if cfg.url != "" {
		return &target{base: strings.TrimRight(cfg.url, "/"), root: asgardeotest.DefaultRootOrganization,
			clientID: cfg.clientID, secret: cfg.clientSecret, jwtID: cfg.clientID, jwtSecret: cfg.clientSecret, close: func() {}}, nil
	}
	srv, err := asgardeotest.Start()
	if err != nil {
		return nil, err
	}
	opaque, err := srv.AddApplication(asgardeotest.AppSpec{Name: "load-opaque", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		srv.Close()
		return nil, err
	}
	jwtApp, err := srv.AddApplication(asgardeotest.AppSpec{Name: "load-jwt", GrantTypes: []string{"client_credentials"}, AccessTokenType: "JWT"})
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &target{base: srv.URL, root: srv.RootOrganization(), clientID: opaque.ClientID, secret: opaque.ClientSecret,
		jwtID: jwtApp.ClientID, jwtSecret: jwtApp.ClientSecret, close: srv.Close, startedInProcess: true}, nil
}

// request is one prepared request: everything but the connection.
type request struct {
	method, url, body, auth string
}

func (t *target) tokenRequest(clientID, secret string) request {
	return request{method: http.MethodPost, url: t.base + "/t/" + t.root + "/oauth2/token",
		body: "grant_type=client_credentials", auth: basic(clientID, secret)}
}

func basic(id, secret string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return r.Header.Get("Authorization")
}

func runFake(ctx context.Context, cfg *config, sc string, out io.Writer) error {
	t, err := startTarget(cfg)
	if err != nil {
		return err
	}
	defer t.close()
	var req request
	switch sc {
	case "cc":
		req = t.tokenRequest(t.clientID, t.secret)
	case "jwt":
		req = t.tokenRequest(t.jwtID, t.jwtSecret)
	case "introspect":
		tok, err := fetchToken(t.tokenRequest(t.clientID, t.secret))
		if err != nil {
			return err
		}
		req = request{method: http.MethodPost, url: t.base + "/t/" + t.root + "/oauth2/introspect",
			body: "token=" + url.QueryEscape(tok) + "&token_type_hint=access_token", auth: basic(t.clientID, t.secret)}
	}
	res, err := load(ctx, cfg, req)
	if err != nil {
		return err
	}
	res.print(out, sc)
	if sc == "jwt" {
		limit, err := runRSA(ctx, cfg, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "jwt: %.1f%% of the RSA signing limit measured in this run\n", 100*res.rate()/limit)
	}
	return nil
}

// fetchToken gets one access token for the introspection scenario.
func fetchToken(req request) (string, error) {
	hr, err := http.NewRequest(req.method, req.url, strings.NewReader(req.body))
	if err != nil {
		return "", err
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Authorization", req.auth)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token request: status %d: %v", resp.StatusCode, err)
	}
	return tr.AccessToken, nil
}

// result is what one throughput run measured.
type result struct {
	requests, errors int64
	elapsed          time.Duration
	hist             histogram
	firstErr         string
}

func (r *result) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r *result) print(out io.Writer, name string) {
	fmt.Fprintf(out, "%-10s %9d requests %6d errors in %6.2fs: %8.0f req/s  latency p50 %v p90 %v p99 %v max %v\n",
		name, r.requests, r.errors, r.elapsed.Seconds(), r.rate(),
		r.hist.quantile(0.50), r.hist.quantile(0.90), r.hist.quantile(0.99), r.hist.max())
	if r.firstErr != "" {
		fmt.Fprintf(out, "%-10s first error: %s\n", name, r.firstErr)
	}
}

// load sends req from cfg.concurrency workers, each over its own keep-alive
// connection, until cfg.duration passes or cfg.n requests were sent.
func load(ctx context.Context, cfg *config, req request) (*result, error) {
	u, err := url.Parse(req.url)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, errors.New("the load client speaks plain HTTP only; run asgardeo-fake without -tls")
	}
	raw := rawRequest(u, req)
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var sent atomic.Int64
	var mu sync.Mutex
	res := &result{}
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h histogram
			var ok, bad int64
			var firstErr string
			w := &worker{addr: u.Host}
			defer w.close()
			for ctx.Err() == nil {
				if cfg.n > 0 && sent.Add(1) > cfg.n {
					break
				}
				t0 := time.Now()
				status, err := w.do(raw)
				h.add(time.Since(t0))
				if err != nil || status != http.StatusOK {
					bad++
					if firstErr == "" {
						firstErr = fmt.Sprintf("status %d, %v", status, err)
					}
					continue
				}
				ok++
			}
			mu.Lock()
			res.requests += ok
			res.errors += bad
			res.hist.merge(&h)
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, nil
}

// rawRequest renders req as HTTP/1.1 bytes, once.
func rawRequest(u *url.URL, req request) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: asgardeo-load\r\nAccept: application/json\r\n", req.method, u.RequestURI(), u.Host)
	if req.auth != "" {
		fmt.Fprintf(&b, "Authorization: %s\r\n", req.auth)
	}
	if req.body != "" {
		fmt.Fprintf(&b, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n", len(req.body))
	}
	b.WriteString("\r\n")
	b.WriteString(req.body)
	return b.Bytes()
}

// worker is one keep-alive HTTP/1.1 connection. It writes prepared requests
// and reads responses with Content-Length bodies, which is all the fake
// sends: a minimal client keeps the load generator's share of the two cores
// small, so the figures describe the server.
type worker struct {
	addr string
	conn net.Conn
	br   *bufio.Reader
}

func (w *worker) close() {
	if w.conn != nil {
		_ = w.conn.Close()
	}
}

func (w *worker) do(raw []byte) (int, error) {
	if w.conn == nil {
		c, err := net.Dial("tcp", w.addr)
		if err != nil {
			return 0, err
		}
		w.conn, w.br = c, bufio.NewReaderSize(c, 16<<10)
	}
	status, err := w.roundTrip(raw)
	if err != nil {
		w.close()
		w.conn = nil
	}
	return status, err
}

func (w *worker) roundTrip(raw []byte) (int, error) {
	if _, err := w.conn.Write(raw); err != nil {
		return 0, err
	}
	line, err := w.br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length := -1
	closeConn := false
	for {
		line, err := w.br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		k, v, _ := bytes.Cut(line, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case asciiEqualFold(k, "Content-Length"):
			if length, err = strconv.Atoi(string(v)); err != nil {
				return 0, fmt.Errorf("bad Content-Length %q", v)
			}
		case asciiEqualFold(k, "Connection"):
			closeConn = asciiEqualFold(v, "close")
		case asciiEqualFold(k, "Transfer-Encoding"):
			return 0, errors.New("chunked responses are not supported by the load client")
		}
	}
	if length < 0 {
		return 0, errors.New("response without Content-Length")
	}
	if _, err := w.br.Discard(length); err != nil {
		return 0, err
	}
	if closeConn {
		return status, errors.New("server closed the connection")
	}
	return status, nil
}

func asciiEqualFold(b []byte, s string) bool {
	return len(b) == len(s) && strings.EqualFold(string(b), s)
}

// histogram counts latencies in buckets of 1 µs below 1 ms, 10 µs below
// 10 ms, 100 µs below 100 ms and 1 ms up to 10 s: a fixed 12 KiB per worker
// whatever the number of requests.
type histogram struct {
	buckets [3900]uint32
	top     time.Duration
}

func bucketOf(d time.Duration) int {
	us := d.Microseconds()
	switch {
	case us < 1000:
		return int(us)
	case us < 10_000:
		return 1000 + int(us-1000)/10
	case us < 100_000:
		return 1900 + int(us-10_000)/100
	case us < 10_000_000:
		return 2800 + int(us-100_000)/10_000*10
	}
	return 3899
}

func bucketValue(i int) time.Duration {
	switch {
	case i < 1000:
		return time.Duration(i) * time.Microsecond
	case i < 1900:
		return time.Duration(1000+(i-1000)*10) * time.Microsecond
	case i < 2800:
		return time.Duration(10_000+(i-1900)*100) * time.Microsecond
	}
	return time.Duration(100_000+(i-2800)/10*10_000) * time.Microsecond
}

func (h *histogram) add(d time.Duration) {
	h.buckets[bucketOf(d)]++
	h.top = max(h.top, d)
}

func (h *histogram) merge(o *histogram) {
	for i, n := range o.buckets {
		h.buckets[i] += n
	}
	h.top = max(h.top, o.top)
}

func (h *histogram) quantile(q float64) time.Duration {
	var total uint64
	for _, n := range h.buckets {
		total += uint64(n)
	}
	if total == 0 {
		return 0
	}
	want := uint64(q * float64(total))
	var seen uint64
	for i, n := range h.buckets {
		seen += uint64(n)
		if seen > want {
			return bucketValue(i)
		}
	}
	return h.top
}

func (h *histogram) max() time.Duration { return h.top.Round(time.Microsecond) }

// runRSA measures raw RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second
// with GOMAXPROCS workers: the ceiling of RS256 JWT issuance on this machine.
func runRSA(ctx context.Context, cfg *config, out io.Writer) (float64, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var count atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			digest := sha256.Sum256([]byte("asgardeo-load " + strconv.Itoa(i)))
			for ctx.Err() == nil {
				if cfg.n > 0 && count.Load() >= cfg.n {
					return
				}
				if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
					return
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	rate := float64(count.Load()) / elapsed.Seconds()
	fmt.Fprintf(out, "%-10s %9d signatures in %6.2fs: %8.0f sig/s with %d workers\n", "rsa", count.Load(), elapsed.Seconds(), rate, runtime.GOMAXPROCS(0))
	if rate == 0 {
		return 0, errors.New("no signature completed")
	}
	return rate, nil
}

// runNoop loads a do-nothing net/http server with the same client: the
// floor of any handler on this machine, for scale.
func runNoop(ctx context.Context, cfg *config, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	body := []byte(`{"active":false}`)
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ln) }()
	defer func() { _ = hs.Close(); <-done }()
	res, err := load(ctx, cfg, request{method: http.MethodPost, url: "http://" + ln.Addr().String() + "/noop", body: "token=x"})
	if err != nil {
		return err
	}
	res.print(out, "noop")
	return nil
}

// runStartup times asgardeotest.Start to the first answer, and the
// asgardeo-fake binary from exec to the first answer when -fake-bin is set.
func runStartup(ctx context.Context, cfg *config, out io.Writer) error {
	const rounds = 20
	var times []time.Duration
	for range rounds {
		t0 := time.Now()
		srv, err := asgardeotest.Start()
		if err != nil {
			return err
		}
		err = firstAnswer(ctx, srv.TenantURL()+"/oauth2/jwks", 5*time.Second)
		times = append(times, time.Since(t0))
		srv.Close()
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "startup    asgardeotest.Start to first answer: median %v of %d (min %v, max %v)\n", median(times), rounds, minDur(times), maxDur(times))
	if cfg.fakeBin == "" {
		return nil
	}
	times = times[:0]
	for range 5 {
		d, err := startBinary(ctx, cfg.fakeBin)
		if err != nil {
			return err
		}
		times = append(times, d)
	}
	fmt.Fprintf(out, "startup    asgardeo-fake exec to first answer: median %v of %d (min %v, max %v)\n", median(times), len(times), minDur(times), maxDur(times))
	return nil
}

// startBinary starts the fake binary on a free port, polls until it answers
// and stops it.
func startBinary(ctx context.Context, bin string) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, bin, "-addr", addr, "-quiet")
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	err = firstAnswer(ctx, "http://"+addr+"/t/"+asgardeotest.DefaultRootOrganization+"/oauth2/jwks", 10*time.Second)
	d := time.Since(t0)
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	return d, err
}

// firstAnswer polls u until it answers 200, every 200 µs.
func firstAnswer(ctx context.Context, u string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	defer c.CloseIdleConnections()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		if resp, err := c.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no answer from %s: %w", u, ctx.Err())
		case <-time.After(200 * time.Microsecond):
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2].Round(10 * time.Microsecond)
}

func minDur(ds []time.Duration) time.Duration {
	return slicesMin(ds).Round(10 * time.Microsecond)
}

func maxDur(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m.Round(10 * time.Microsecond)
}

func slicesMin(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

// runScale seeds cfg.apps applications and cfg.tokens live tokens in one
// organization and reports the heap per application and per token, the
// seeding time, and the time to list a page at the start and at the end of
// the application and API-resource lists.
func runScale(cfg *config, out io.Writer) error {
	srv, err := asgardeotest.Start()
	if err != nil {
		return err
	}
	defer srv.Close()
	o, err := srv.AddOrganization("scale")
	if err != nil {
		return err
	}
	base := heapInUse()
	t0 := time.Now()
	for i := range cfg.apps {
		if _, err := srv.AddApplication(asgardeotest.AppSpec{Organization: o.ID, Name: "app-" + strconv.Itoa(i), GrantTypes: []string{"client_credentials"}}); err != nil {
			return err
		}
	}
	seedApps := time.Since(t0)
	afterApps := heapInUse()
	t0 = time.Now()
	for range cfg.tokens {
		if _, err := srv.IssueToken(o.ID, "internal_org_application_mgt_view"); err != nil {
			return err
		}
	}
	seedTokens := time.Since(t0)
	afterTokens := heapInUse()
	if cfg.apps > 0 {
		fmt.Fprintf(out, "scale      %d applications seeded in %v (%v each): %d bytes of heap per application\n",
			cfg.apps, seedApps.Round(time.Millisecond), (seedApps / time.Duration(cfg.apps)).Round(10*time.Nanosecond), (afterApps-base)/uint64(cfg.apps))
	}
	if cfg.tokens > 0 {
		fmt.Fprintf(out, "scale      %d live tokens issued in %v: %d bytes of heap per token\n",
			cfg.tokens, seedTokens.Round(time.Millisecond), (afterTokens-afterApps)/uint64(cfg.tokens))
	}
	bearer, err := srv.IssueToken(o.ID, "internal_org_application_mgt_view", "internal_org_api_resource_view")
	if err != nil {
		return err
	}
	list := func(path string) (time.Duration, error) {
		const rounds = 50
		var best time.Duration
		for i := range rounds {
			req, err := http.NewRequest(http.MethodGet, srv.TenantURL()+path, nil)
			if err != nil {
				return 0, err
			}
			req.Header.Set("Authorization", "Bearer "+bearer)
			t0 := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			d := time.Since(t0)
			if resp.StatusCode != http.StatusOK {
				return 0, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
			}
			if i == 0 || d < best {
				best = d
			}
		}
		return best, nil
	}
	last := max(cfg.apps-1000, 0)
	for _, p := range []string{"/o/api/server/v1/applications?limit=30&offset=0", "/o/api/server/v1/applications?limit=30&offset=" + strconv.Itoa(last)} {
		d, err := list(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "scale      GET %s: best of 50 %v\n", p, d)
	}
	fmt.Fprintf(out, "scale      heap in use %d MiB\n", heapInUse()>>20)
	return nil
}

func heapInUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// peakRSS reads VmHWM from /proc/self/status.
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unavailable"
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unavailable"
}
