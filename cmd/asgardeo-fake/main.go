// Command asgardeo-fake runs the asgardeotest fake Asgardeo as a standalone
// process, for tests written in any language and for demos.
//
//	go run ./cmd/asgardeo-fake -addr 127.0.0.1:8443 -seed seed.json
//
// Without -seed it loads the demo seed (see docs/SEED.md) and prints the
// credentials to use. With -tls it serves HTTPS with a self-signed
// certificate for 127.0.0.1, ::1 and localhost, written to the file named by
// -tls-cert. It logs one line per request, secrets masked, and shuts down
// cleanly on SIGINT and SIGTERM.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "asgardeo-fake:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("asgardeo-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8443", "listen address")
	seedPath := fs.String("seed", "", "seed file (JSON, see docs/SEED.md); default: the demo seed")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate")
	certPath := fs.String("tls-cert", filepath.Join(os.TempDir(), "asgardeo-fake-cert.pem"), "where -tls writes the certificate (PEM) for clients to trust")
	quiet := fs.Bool("quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		return err
	}

	seed := asgardeotest.DemoSeed()
	if *seedPath != "" {
		var err error
		if seed, err = asgardeotest.LoadSeedFile(*seedPath); err != nil {
			return err
		}
	}
	opts := []asgardeotest.Option{asgardeotest.WithAddr(*addr), asgardeotest.WithSeed(seed)}
	if !*quiet {
		opts = append(opts, asgardeotest.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	if *useTLS {
		cert, pemBytes, err := selfSigned()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*certPath, pemBytes, 0o644); err != nil {
			return fmt.Errorf("writing certificate: %w", err)
		}
		opts = append(opts, asgardeotest.WithTLS(cert))
	}

	srv, err := asgardeotest.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()

	printBanner(stdout, srv, seed, *useTLS, *certPath, *seedPath == "")
	<-ctx.Done()
	fmt.Fprintln(stdout, "asgardeo-fake: shutting down")
	return nil
}

func printBanner(w io.Writer, srv *asgardeotest.Server, seed *asgardeotest.Seed, useTLS bool, certPath string, demo bool) {
	fmt.Fprintf(w, "asgardeo-fake listening on %s\n", srv.URL)
	fmt.Fprintf(w, "  root organization: %s (paths under %s)\n", srv.RootOrganization(), srv.TenantURL())
	if useTLS {
		fmt.Fprintf(w, "  TLS certificate:   %s (trust it, e.g. curl --cacert %s)\n", certPath, certPath)
	}
	for _, o := range seed.Organizations {
		fmt.Fprintf(w, "  organization:      %s  %s\n", o.ID, o.Name)
	}
	if demo {
		fmt.Fprintln(w, "  demo seed loaded; test credentials:")
		for _, a := range seed.Applications {
			where := "root"
			if a.Organization != "" {
				where = "org " + a.Organization
			}
			fmt.Fprintf(w, "    app %-15s %s  client_id=%s client_secret=%s  grants=%v\n", a.Name, where, a.ClientID, a.ClientSecret, a.GrantTypes)
		}
		for _, u := range seed.Users {
			fmt.Fprintf(w, "    user %s / %s in org %s\n", u.Username, u.Password, u.Organization)
		}
	}
	fmt.Fprintln(w, "press Ctrl+C to stop")
}

// selfSigned makes an ECDSA P-256 certificate for the loopback names, valid
// for a year, and returns it with its PEM encoding.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "asgardeo-fake"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if pemBytes == nil {
		return tls.Certificate{}, nil, errors.New("encoding certificate")
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pemBytes, nil
}
