// Command m2m is a backend service that calls an API with client-credentials
// tokens of an organization's M2M application, through oauth2.NewClient: the
// token is fetched once, cached, and renewed shortly before it expires.
//
// With no configuration it starts the fake Asgardeo with the demo seed (the
// M2M application inventory-sync) and a small "Stores API" that accepts a
// bearer token only when introspection says it is active and carries
// read_stores:
//
//	go run ./examples/m2m
//
// Against a real tenant, set ASGARDEO_BASE_URL, ASGARDEO_ROOT_ORG,
// ASGARDEO_ORG_ID, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET (the M2M
// application's credentials) and API_URL (the API to call).
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "m2m:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	cfg := config{
		root: getenv("ASGARDEO_ROOT_ORG"), orgID: getenv("ASGARDEO_ORG_ID"),
		clientID: getenv("ASGARDEO_CLIENT_ID"), clientSecret: getenv("ASGARDEO_CLIENT_SECRET"),
		apiURL: getenv("API_URL"),
	}
	var opts []asgardeo.Option
	if base := getenv("ASGARDEO_BASE_URL"); base != "" {
		opts = append(opts, asgardeo.WithBaseURL(base))
	} else {
		srv, err := asgardeotest.Start(asgardeotest.WithSeed(asgardeotest.DemoSeed()))
		if err != nil {
			return err
		}
		defer srv.Close()
		opts = append(opts, asgardeo.WithBaseURL(srv.URL))
		cfg.root, cfg.orgID = srv.RootOrganization(), "7e98b86f-63c7-41a1-8c56-c909a21a2615"
		cfg.clientID, cfg.clientSecret = "fhErtAT2YF_M0Ek3AAYHLI8L25oa", "Pu9n4LtRz0o6PzMgFq3b1Jd8Wc_a"
		api := httptest.NewServer(storesAPI(ctx, srv, cfg))
		defer api.Close()
		cfg.apiURL = api.URL + "/stores"
		fmt.Fprintf(w, "fake Asgardeo at %s, Stores API at %s\n", srv.URL, api.URL)
	}
	client, err := asgardeo.New(cfg.root, opts...)
	if err != nil {
		return err
	}
	defer client.Close()
	org, err := client.Org(cfg.orgID)
	if err != nil {
		return err
	}

	// The token source caches the token; oauth2.NewClient adds it to every request.
	ts := org.Tokens().ForApp(cfg.clientID, cfg.clientSecret).ClientCredentials("read_stores")
	hc := oauth2.NewClient(ctx, ts)
	for i := 1; i <= 3; i++ {
		body, err := get(ctx, hc, cfg.apiURL)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "call %d: %s\n", i, body)
	}
	tok, err := ts.Token()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "one token served all calls: scopes %q, expires %s\n", strings.Join(asgardeo.GrantedScopes(tok), " "), tok.Expiry.Format(time.RFC3339))
	return nil
}

type config struct {
	root, orgID, clientID, clientSecret, apiURL string
}

func get(ctx context.Context, hc *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(b)))
	}
	return strings.TrimSpace(string(b)), nil
}

// storesAPI is the resource server: it introspects each bearer token with
// the application's own credentials and requires read_stores.
func storesAPI(ctx context.Context, srv *asgardeotest.Server, cfg config) http.Handler {
	client, err := asgardeo.New(cfg.root, asgardeo.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	org, err := client.Org(cfg.orgID)
	if err != nil {
		panic(err)
	}
	tokens := org.Tokens().ForApp(cfg.clientID, cfg.clientSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "missing bearer token", http.StatusUnauthorized)
			return
		}
		info, err := tokens.Introspect(r.Context(), raw, asgardeo.AccessTokenHint)
		switch {
		case err != nil:
			http.Error(w, "introspection failed", http.StatusBadGateway)
		case !info.Active:
			http.Error(w, "inactive token", http.StatusUnauthorized)
		case !slices.Contains(info.Scopes, "read_stores"):
			http.Error(w, "read_stores required", http.StatusForbidden)
		default:
			fmt.Fprintf(w, `{"stores":["Colombo","Kandy"],"caller":%q}`, info.ClientID)
		}
	})
}
