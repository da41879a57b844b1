package motoserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Request is one request a Proxy received.
type Request struct {
	Method string
	Path   string // path-style for S3: /bucket/key
	Query  string
	Header http.Header
	// Faulted is true when a fault answered in moto's place (or hung up).
	Faulted bool
}

// Fault is what a Proxy does to the requests it matches, in moto's place or to moto's answer.
type Fault struct {
	// Match selects the requests; nil matches all.
	Match func(r *http.Request) bool
	// Times is how many matching requests the fault applies to; 0 is all of them.
	Times int
	// Status, when not 0, is the status of the answer given instead of moto's, with ContentType and
	// Body. With Status 0 the request goes to moto.
	Status      int
	ContentType string
	Body        string
	// Header is set on the answer: the fault's, or moto's (to make moto report what it would not).
	Header map[string]string
	// Hangup closes the connection without an answer, as a network failure does; the SDK's error then
	// carries the request's URL.
	Hangup bool
	// Alter changes the request before it goes to moto: a parameter the code under test does not set
	// (max-keys, to make a listing page). moto refuses an altered signature under EnforceIAM, so Alter
	// is for tests that do not enforce IAM.
	Alter func(r *http.Request)
	// Then runs once moto has answered, before the client sees the answer: to change what the next
	// request will find (delete an object just listed).
	Then func()
}

// Hangup is a network failure: the connection closes before an answer.
func Hangup(match func(*http.Request) bool, times int) Fault {
	return Fault{Match: match, Times: times, Hangup: true}
}

// SlowDown is S3's answer to too high a request rate: 503 with the error code SlowDown, which the SDK
// retries.
func SlowDown(match func(*http.Request) bool, times int) Fault {
	return Fault{Match: match, Times: times, Status: http.StatusServiceUnavailable, ContentType: "application/xml",
		Body: `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>SCETESTSLOWDOWN</RequestId></Error>`}
}

// Throttling is the answer of a JSON-protocol service (DynamoDB, SQS) that throttles: 400 with the
// error code ThrottlingException, which the SDK retries.
func Throttling(match func(*http.Request) bool, times int) Fault {
	return Fault{Match: match, Times: times, Status: http.StatusBadRequest, ContentType: "application/x-amz-json-1.0",
		Header: map[string]string{"X-Amzn-Query-Error": "ThrottlingException;Sender"},
		Body:   `{"__type":"com.amazonaws#ThrottlingException","message":"Rate exceeded"}`}
}

// Target matches the requests of one operation of a JSON-protocol service, by its X-Amz-Target
// header: "DynamoDB_20120810.PutItem", "AmazonSQS.ReceiveMessage".
func Target(op string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Header.Get("X-Amz-Target") == op }
}

// S3Op matches S3 requests of one method whose query has every one of the given parameters
// ("uploads", "partNumber", "list-type") and, when path is not "", whose path ends with path.
func S3Op(method, path string, query ...string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if r.Method != method || r.Header.Get("X-Amz-Target") != "" || !strings.HasSuffix(r.URL.Path, path) {
			return false
		}
		q := r.URL.Query()
		for _, k := range query {
			if !q.Has(k) {
				return false
			}
		}
		return true
	}
}

// fault is a Fault and how often it may still apply.
type fault struct {
	Fault
	left int // -1: always
}

// Proxy is a server in front of moto that records the requests and applies faults.
type Proxy struct {
	// URL is the proxy's address; clients of Config or Wrap call it.
	URL string

	srv      *Server
	mu       sync.Mutex
	faults   []*fault
	requests []Request
	latency  time.Duration
}

// faultKey carries, in a request's context, the fault that rewrites moto's answer.
type faultKey struct{}

// Proxy starts a proxy in front of the server, with faults applied in order (the first that matches
// and has applications left wins); it stops when the test ends.
func (s *Server) Proxy(t testing.TB, faults ...Fault) *Proxy {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatalf("motoserver: parse %s: %v", s.URL, err)
	}
	p := &Proxy{srv: s}
	for _, f := range faults {
		p.Add(f)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme, pr.Out.URL.Host = target.Scheme, target.Host
			pr.Out.Host = pr.In.Host // the host the request was signed for
		},
		ModifyResponse: func(resp *http.Response) error {
			if f, ok := resp.Request.Context().Value(faultKey{}).(*fault); ok {
				for k, v := range f.Header {
					resp.Header.Set(k, v)
				}
				if f.Then != nil {
					f.Then()
				}
			}
			return nil
		},
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := p.take(r)
		p.record(r, f != nil && (f.Status != 0 || f.Hangup))
		if d := p.delay(); d > 0 {
			time.Sleep(d)
		}
		switch {
		case f != nil && f.Hangup:
			hangUp(w)
		case f == nil:
			rp.ServeHTTP(w, r)
		case f.Status == 0:
			if f.Alter != nil {
				f.Alter(r)
			}
			rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), faultKey{}, f)))
		default:
			// The body is read first, as a server does before it answers: a client still writing
			// would see its connection reset instead of the answer.
			_, _ = io.Copy(io.Discard, r.Body)
			for k, v := range f.Header {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", f.ContentType)
			w.WriteHeader(f.Status)
			fmt.Fprint(w, f.Body)
		}
	}))
	t.Cleanup(hs.Close)
	p.URL = hs.URL
	return p
}

// hangUp closes the connection under w.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "motoserver: cannot hang up", http.StatusInternalServerError)
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close() // the failure is the point
	}
}

// SetLatency delays every request by d before it is answered (by moto or by a fault), as the round
// trip to an AWS endpoint does: the emulator answers on the same machine in a millisecond or two, so a
// benchmark of concurrent requests measures against an added latency. 0 removes it.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

func (p *Proxy) delay() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.latency
}

// Add adds a fault after those the proxy has.
func (p *Proxy) Add(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	left := f.Times
	if left == 0 {
		left = -1
	}
	p.faults = append(p.faults, &fault{Fault: f, left: left})
}

// take returns the fault that applies to r, counting the application, or nil.
func (p *Proxy) take(r *http.Request) *fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.faults {
		if f.left == 0 || (f.Match != nil && !f.Match(r)) {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		return f
	}
	return nil
}

func (p *Proxy) record(r *http.Request, faulted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Faulted: faulted})
}

// Requests returns the requests received so far.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// Config is the server's Config, through the proxy.
func (p *Proxy) Config() aws.Config { return p.Wrap(p.srv.Config()) }

// Wrap returns cfg (the server's Config, or a User's) calling the proxy instead of moto.
func (p *Proxy) Wrap(cfg aws.Config) aws.Config {
	cfg.BaseEndpoint = aws.String(p.URL)
	return cfg
}
