package transport

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParseRetryAfter never yields a negative wait, and Backoff never
// exceeds its maximum, whatever the header says.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "1", "-1", "120", "99999999999", "Wed, 21 Oct 2015 07:28:00 GMT", "Sun, 06 Nov 2094 08:49:37 GMT", " 3 ", "1.5", "", "\x00"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := ParseRetryAfter(v, now); d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v", v, d)
		}
	})
}

// FuzzRedactURL redacts fuzzed URLs: no secret query value and no
// userinfo survive, and the other parameters are kept.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{
		"https://u:p@h/t/x/oauth2/authorize?code=abc&state=s&client_id=c",
		"https://h/p?access_token=a&access_token=b&ACCESS_TOKEN=c&x=1",
		"https://h/p?client_secret=%zz", "https://h/p#access_token=frag", "http://h/p?;code=1", "/relative?password=p", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		out := RedactURL(u)
		r, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q redacts to an unparseable %q: %v", raw, out, err)
		}
		if r.User != nil || r.Fragment != "" {
			t.Fatalf("%q redacts to %q with userinfo or fragment", raw, out)
		}
		for k, vs := range r.Query() {
			if !IsSecretParam(k) {
				continue
			}
			for _, v := range vs {
				if v != "REDACTED" {
					t.Fatalf("%q redacts to %q: %s=%q", raw, out, k, v)
				}
			}
		}
	})
}

// FuzzRedactForm masks every secret field of a fuzzed form and keeps the
// others as they were.
func FuzzRedactForm(f *testing.F) {
	for _, s := range []string{"grant_type=password&username=kim&password=p", "code=a&code=b&redirect_uri=x", "Refresh_Token=r", "%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		out := RedactForm(form)
		for k, vs := range form {
			got := out[k]
			if IsSecretParam(k) {
				if len(got) != 1 || got[0] != "REDACTED" {
					t.Fatalf("%s: %q", k, got)
				}
				continue
			}
			if strings.Join(got, "\x00") != strings.Join(vs, "\x00") {
				t.Fatalf("%s: %q, want %q", k, got, vs)
			}
		}
	})
}

// FuzzReadLimited reads at most the limit and reports exactly when the
// input was longer.
func FuzzReadLimited(f *testing.F) {
	f.Add([]byte("hello"), int64(3))
	f.Add([]byte(""), int64(0))
	f.Add([]byte("abc"), int64(3))
	f.Fuzz(func(t *testing.T, data []byte, limit int64) {
		if limit < 0 || limit > 1<<20 {
			return
		}
		got, tooBig, err := ReadLimited(bytes.NewReader(data), limit)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(got)) > limit || tooBig != (int64(len(data)) > limit) || !bytes.HasPrefix(data, got) {
			t.Fatalf("ReadLimited(%d bytes, %d) = %d bytes, tooBig %t", len(data), limit, len(got), tooBig)
		}
	})
}

type customRT struct{}

func (customRT) RoundTrip(*http.Request) (*http.Response, error) { return nil, io.EOF }

// TestRequireTLS12 raises a weak or unset minimum on a clone, keeps a strong
// transport and any other RoundTripper as they are.
func TestRequireTLS12(t *testing.T) {
	min := func(rt http.RoundTripper) uint16 { return rt.(*http.Transport).TLSClientConfig.MinVersion }
	got := RequireTLS12(nil)
	if got == http.DefaultTransport || min(got) != tls.VersionTLS12 {
		t.Errorf("nil: %v", got)
	}
	weak := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10}}
	if got := RequireTLS12(weak); got == weak || min(got) != tls.VersionTLS12 || weak.TLSClientConfig.MinVersion != tls.VersionTLS10 {
		t.Errorf("weak: got %v, original now %x", got, weak.TLSClientConfig.MinVersion)
	}
	unset := &http.Transport{}
	if got := RequireTLS12(unset); got == unset || min(got) != tls.VersionTLS12 || unset.TLSClientConfig != nil && unset.TLSClientConfig.MinVersion != 0 {
		t.Errorf("unset: %v", got)
	}
	strong := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS13}}
	if got := RequireTLS12(strong); got != strong {
		t.Errorf("strong transport replaced")
	}
	if got := RequireTLS12(customRT{}); got != (customRT{}) {
		t.Errorf("custom RoundTripper replaced")
	}
}
