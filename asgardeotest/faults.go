package asgardeotest

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is a failure the fake injects into the next requests that match it.
// A zero Status with a Delay delays the request and then serves it normally.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path matches the path relative to the tenant ("/oauth2/token"), or the
	// full path ("/t/{root}/..."). A trailing "*" matches any suffix.
	Path string
	// GrantType, when set, matches only form requests with that grant_type.
	GrantType string
	// Times is how many requests the fault affects; 0 means 1.
	Times int

	// Status, Body, ContentType and Header make the answer (ContentType
	// defaults to application/json when Body is set).
	Status      int
	Body        string
	ContentType string
	Header      http.Header
	// RetryAfter sets the Retry-After header (seconds or an HTTP date).
	RetryAfter string
	// Delay waits before answering (or before serving normally when Status
	// is zero). It ends early if the client goes away or the server closes.
	Delay time.Duration
	// Drop closes the connection before the request is processed.
	Drop bool
	// DropAfter processes the request, then closes the connection without
	// sending the response: the side effect happened, the client cannot know.
	DropAfter bool
}

// FaultHandle reports on one injected fault.
type FaultHandle struct {
	set   *faultSet
	fault Fault
	left  int
	fired int
}

// Fired returns how many requests the fault has affected.
func (h *FaultHandle) Fired() int {
	h.set.mu.Lock()
	defer h.set.mu.Unlock()
	return h.fired
}

type faultSet struct {
	mu      sync.Mutex
	handles []*FaultHandle
	// armed is the number of uses left over all handles, so that requests
	// skip the mutex while no fault is armed.
	armed atomic.Int64
	stop  chan struct{}
	once  sync.Once
}

func (fs *faultSet) stopped() chan struct{} {
	fs.once.Do(func() { fs.stop = make(chan struct{}) })
	return fs.stop
}

// release ends every pending delay (the server is closing).
func (fs *faultSet) release() { close(fs.stopped()) }

// InjectFault arms f for the next matching requests.
func (s *Server) InjectFault(f Fault) *FaultHandle {
	if f.Times <= 0 {
		f.Times = 1
	}
	if !strings.HasPrefix(f.Path, "/t/") {
		f.Path = "/t/" + s.store.rootName + f.Path
	}
	h := &FaultHandle{set: &s.faults, fault: f, left: f.Times}
	s.faults.mu.Lock()
	s.faults.handles = append(s.faults.handles, h)
	s.faults.armed.Add(int64(f.Times))
	s.faults.mu.Unlock()
	return h
}

// UnfiredFaults returns the faults that have not affected every request they
// were armed for, so a test can fail when its fault never happened.
func (s *Server) UnfiredFaults() []Fault {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	var out []Fault
	for _, h := range s.faults.handles {
		if h.left > 0 {
			out = append(out, h.fault)
		}
	}
	return out
}

// ClearFaults disarms every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.handles = nil
	s.faults.armed.Store(0)
	s.faults.mu.Unlock()
}

func (f *Fault) matches(r *http.Request, e *Entry) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if p, ok := strings.CutSuffix(f.Path, "*"); ok {
		if !strings.HasPrefix(r.URL.Path, p) {
			return false
		}
	} else if r.URL.Path != f.Path {
		return false
	}
	return f.GrantType == "" || f.GrantType == e.GrantType
}

// take returns the first armed fault matching the request, consuming one use.
func (fs *faultSet) take(r *http.Request, e *Entry) *Fault {
	if fs.armed.Load() == 0 {
		return nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, h := range fs.handles {
		if h.left > 0 && h.fault.matches(r, e) {
			h.left--
			h.fired++
			fs.armed.Add(-1)
			f := h.fault
			return &f
		}
	}
	return nil
}

// apply runs a matching fault. It reports whether the request was fully
// handled (answered, dropped, or served then dropped).
func (s *Server) applyFault(w *recorder, r *http.Request, e *Entry) bool {
	f := s.faults.take(r, e)
	if f == nil {
		return false
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			w.status = 499 // client closed request
			return true
		case <-s.faults.stopped():
			t.Stop()
		}
	}
	switch {
	case f.Drop:
		s.dropRecorded(w, e)
		return true
	case f.DropAfter:
		sink := &discardWriter{header: http.Header{}}
		s.route(&recorder{ResponseWriter: sink, status: http.StatusOK}, r)
		s.dropRecorded(w, e)
		return true
	case f.Status != 0:
		h := w.Header()
		for k, vs := range f.Header {
			h[k] = append([]string(nil), vs...)
		}
		if f.RetryAfter != "" {
			h.Set("Retry-After", f.RetryAfter)
		}
		if f.Body != "" {
			ct := f.ContentType
			if ct == "" {
				ct = "application/json"
			}
			h.Set("Content-Type", ct)
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	return false
}

// dropRecorded journals the request (status 0) and then drops the
// connection: the client sees the failure at once, so the journal must
// already hold the request when it looks.
func (s *Server) dropRecorded(w *recorder, e *Entry) {
	w.status = 0
	e.Status = 0
	s.journal.finish(e)
	dropConnection(w)
}

// dropConnection closes the client's connection without an HTTP answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
