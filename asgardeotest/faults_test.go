package asgardeotest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func TestFaultAnswersThenStops(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	h := srv.InjectFault(asgardeotest.Fault{
		Method: "GET", Path: "/o/api/server/v1/*", Times: 2,
		Status: 503, Body: `{"code":"SE-50000","message":"Busy."}`, RetryAfter: "7",
		Header: http.Header{"X-Fault": {"yes"}},
	})
	for i := range 2 {
		r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, "", nil)
		assert.Equal(t, 503, r.status, "request %d", i)
		assert.Equal(t, "7", r.header.Get("Retry-After"))
		assert.Equal(t, "yes", r.header.Get("X-Fault"))
		assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		assert.Equal(t, "SE-50000", r.body["code"])
	}
	assert.Equal(t, 2, h.Fired())
	r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "the fault is spent: the gateway answers")
	assert.Equal(t, 2, h.Fired())
	assert.Empty(t, srv.UnfiredFaults())
	assert.Equal(t, 3, srv.Count(http.MethodGet, fxAppsPath), "faulted requests are journaled")
}

func TestFaultMatching(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	admin := srv.Admin()
	post := srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: fxAppsPath, Status: 500, Body: "<html>oops</html>", ContentType: "text/html"})
	grant := srv.InjectFault(asgardeotest.Fault{Path: "/oauth2/token", GrantType: "organization_switch", Status: 502})

	// Neither fault matches a GET of the path, nor another grant.
	r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	cc := fxToken(t, hc, srv, "/oauth2/token", admin.ClientID, admin.ClientSecret, url.Values{"grant_type": {"client_credentials"}})
	assert.Equal(t, http.StatusOK, cc.status)
	assert.Equal(t, 0, post.Fired())
	assert.Equal(t, 0, grant.Fired())
	assert.Len(t, srv.UnfiredFaults(), 2, "unfired faults are reported")

	r = fxSend(t, hc, http.MethodPost, srv.TenantURL()+fxAppsPath, "", strings.NewReader(`{}`), "Content-Type", "application/json")
	assert.Equal(t, 500, r.status)
	assert.Equal(t, "text/html", r.header.Get("Content-Type"))
	assert.Equal(t, "<html>oops</html>", r.raw)

	req, err := http.NewRequest(http.MethodPost, srv.TenantURL()+"/oauth2/token", strings.NewReader("grant_type=organization_switch"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 502, resp.StatusCode)

	assert.Equal(t, 1, post.Fired())
	assert.Equal(t, 1, grant.Fired())
	assert.Empty(t, srv.UnfiredFaults())
}

func TestUnfiredFaultsAndClear(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	srv.InjectFault(asgardeotest.Fault{Path: "/never/called", Status: 500})
	h := srv.InjectFault(asgardeotest.Fault{Path: "/oauth2/token", Status: 500, Times: 3})
	fxSend(t, hc, http.MethodPost, srv.TenantURL()+"/oauth2/token", "", nil)

	unfired := srv.UnfiredFaults()
	require.Len(t, unfired, 2, "a fault that fired fewer times than armed is still reported")
	assert.Equal(t, "/t/bestcarmart/never/called", unfired[0].Path)
	assert.Equal(t, 1, h.Fired())

	srv.ClearFaults()
	assert.Empty(t, srv.UnfiredFaults())
	r := fxSend(t, hc, http.MethodPost, srv.TenantURL()+"/oauth2/token", "", nil)
	assert.NotEqual(t, 500, r.status, "cleared faults no longer fire")
}

func TestFaultDelayThenServe(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	h := srv.InjectFault(asgardeotest.Fault{Path: "/nothing", Delay: 20 * time.Millisecond})
	r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+"/nothing", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "served normally after the delay")
	assert.Equal(t, "UE-10000", r.body["code"])
	assert.Equal(t, 1, h.Fired())
}

func TestFaultDelayEndsWhenClientLeaves(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	srv.InjectFault(asgardeotest.Fault{Path: "/slow", Delay: time.Hour, Status: 200})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.TenantURL()+"/slow", nil)
	require.NoError(t, err)
	_, err = hc.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// The handler notices the client left and records the request; wait for
	// it (bounded by the test's own deadline, not by a timing assertion).
	deadline := time.Now().Add(30 * time.Second)
	for srv.Requests() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	j := srv.Journal()
	require.Len(t, j, 1)
	assert.Equal(t, 499, j[0].Status)
}

func TestFaultDelayEndsWhenServerCloses(t *testing.T) {
	srv, err := asgardeotest.Start()
	require.NoError(t, err)
	srv.InjectFault(asgardeotest.Fault{Path: "/slow", Delay: time.Hour})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	done := make(chan error, 1)
	go func() {
		resp, err := (&http.Client{Transport: tr}).Get(srv.TenantURL() + "/slow")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for len(srv.UnfiredFaults()) == 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond) // until the request is held by the delay
	}
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(time.Minute):
		t.Fatal("Close waited out the fault's delay")
	}
	<-done
}

func TestFaultDrop(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	hc := fxHTTPClient(t)
	tok, err := srv.IssueToken(org.ID, "internal_org_application_mgt_create", "internal_org_application_mgt_view")
	require.NoError(t, err)
	create := func(name string) error {
		req, err := http.NewRequest(http.MethodPost, srv.TenantURL()+fxAppsPath, strings.NewReader(`{"name":"`+name+`","templateId":"m2m-application"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return errors.New(resp.Status)
		}
		return nil
	}
	names := func() []string {
		r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, tok, nil)
		require.Equal(t, http.StatusOK, r.status, r.raw)
		var out []string
		apps, _ := r.body["applications"].([]any)
		for _, a := range apps {
			out = append(out, a.(map[string]any)["name"].(string))
		}
		return out
	}

	// Drop: the connection closes before processing; nothing is created.
	srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: fxAppsPath, Drop: true})
	require.Error(t, create("dropped-before"))
	assert.NotContains(t, names(), "dropped-before")

	// DropAfter: processed, then the connection closes; the client cannot
	// tell, but the application exists.
	srv.InjectFault(asgardeotest.Fault{Method: "POST", Path: fxAppsPath, DropAfter: true})
	require.Error(t, create("dropped-after"))
	assert.Contains(t, names(), "dropped-after")

	// Both were journaled, with status 0, by the time the client saw the error.
	var dropped int
	for _, e := range srv.Journal() {
		if e.Method == http.MethodPost && e.Status == 0 {
			dropped++
		}
	}
	assert.Equal(t, 2, dropped)
	assert.Empty(t, srv.UnfiredFaults())
}
