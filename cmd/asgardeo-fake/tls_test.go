package main

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"
)

func trustingClient(t *testing.T, pemBytes []byte) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("certificate PEM not parsed")
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}
