// Package s3test runs an S3-compatible server in the test process, on 127.0.0.1, for the tests of the
// commands that talk to S3 (sce upload, sce audit report). It is gofakes3 (an in-memory S3) behind a
// layer that records every request and adds what gofakes3 lacks and the tests need: SHA-256 checksums
// as S3 computes them. A PUT or UploadPart that sends x-amz-checksum-sha256 is checked against its body
// (a mismatch is refused with BadDigest, as S3 does) and the checksum returned; a completed multipart
// upload gets the COMPOSITE checksum (SHA-256 of the parts' digests, "-N"), returned in the
// CompleteMultipartUpload result; HeadObject and GetObject return the stored checksum and its type only
// with x-amz-checksum-mode: ENABLED. Like S3, the responses of PutObject, CreateMultipartUpload,
// UploadPart and CompleteMultipartUpload repeat the server-side encryption the upload asked for.
// DenyReads makes object reads fail with AccessDenied, as for the project's write-only uploader roles;
// SetLatency delays every response, as a round trip to S3 would.
package s3test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Request is one request the server received.
type Request struct {
	Method string
	Path   string // path-style: /bucket/key
	Query  string
	Header http.Header
}

// checksum is a stored object's SHA-256 checksum and its type.
type checksum struct {
	value string // base64, with "-N" for a composite one
	kind  string // FULL_OBJECT or COMPOSITE
}

// Server is a running fake S3.
type Server struct {
	// URL is the server's base address, http://127.0.0.1:PORT.
	URL string
	// Client is an S3 client for the server (path-style addressing, static credentials).
	Client *s3.Client

	backend  *s3mem.Backend
	inner    http.Handler
	mu       sync.Mutex
	requests []Request
	objects  map[string]checksum       // bucket/key -> checksum
	parts    map[string]map[int][]byte // upload id -> part number -> digest
	sse      map[string]http.Header    // upload id -> the headers of CreateMultipartUpload
	corrupt  bool                      // report wrong checksums on HeadObject
	denyRead bool                      // refuse HeadObject and GetObject
	latency  time.Duration             // added to every request, as a round trip to S3 would
}

// Start starts a server with the given buckets; it stops when the test ends.
func Start(t testing.TB, buckets ...string) *Server {
	t.Helper()
	s := &Server{backend: s3mem.New(), objects: map[string]checksum{}, parts: map[string]map[int][]byte{}, sse: map[string]http.Header{}}
	s.inner = gofakes3.New(s.backend).Server()
	for _, b := range buckets {
		if err := s.backend.CreateBucket(b); err != nil {
			t.Fatalf("create bucket %s: %v", b, err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	s.Client = s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
	return s
}

// Put stores an object directly (no checksum), for tests that read from the server.
func (s *Server) Put(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	_, err := s.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// CorruptChecksums makes HeadObject report a wrong checksum, as if the stored object differed.
func (s *Server) CorruptChecksums() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.corrupt = true
}

// SetLatency delays every response by d, as the round trip to a real S3 endpoint does (benchmarks of
// concurrent readers measure against it; the server itself answers in microseconds).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// DenyReads makes HeadObject and GetObject of objects fail with AccessDenied.
func (s *Server) DenyReads() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denyRead = true
}

// sseHeaders are the server-side encryption headers S3 repeats in its responses.
var sseHeaders = []string{"X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"}

// echoSSE copies the SSE headers of from into the response.
func echoSSE(w http.ResponseWriter, from http.Header) {
	for _, h := range sseHeaders {
		if v := from.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
}

// replay writes a recorded response, with body instead of the recorded one when body is not nil.
func replay(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, v := range rec.Header() {
		if k == "Content-Length" && body != nil {
			continue
		}
		w.Header()[k] = v
	}
	if body == nil {
		body = rec.Body.Bytes()
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body) // the client's loss if it hung up
}

// create serves CreateMultipartUpload, remembering the SSE it asked for.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.inner.ServeHTTP(rec, r)
	var res struct {
		UploadID string `xml:"UploadId"`
	}
	if rec.Code < 300 && xml.Unmarshal(rec.Body.Bytes(), &res) == nil && res.UploadID != "" {
		s.mu.Lock()
		s.sse[res.UploadID] = r.Header.Clone()
		s.mu.Unlock()
		echoSSE(w, r.Header)
	}
	replay(w, rec, nil)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()})
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}

	q := r.URL.Query()
	object := strings.TrimPrefix(r.URL.Path, "/")
	isObject := strings.Contains(object, "/")
	switch {
	case isObject && r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") == "":
		s.put(w, r, object, q.Get("uploadId"), q.Get("partNumber"))
	case isObject && r.Method == http.MethodPost && q.Has("uploads"):
		s.create(w, r)
	case isObject && r.Method == http.MethodPost && q.Has("uploadId"):
		s.complete(w, r, object, q.Get("uploadId"))
	case isObject && (r.Method == http.MethodHead || r.Method == http.MethodGet):
		s.read(w, r, object)
	default:
		s.inner.ServeHTTP(w, r)
	}
}

// put checks a PUT's or UploadPart's checksum and records it.
func (s *Server) put(w http.ResponseWriter, r *http.Request, object, uploadID, partNumber string) {
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		http.Error(w, "s3test: aws-chunked bodies are not supported", http.StatusNotImplemented)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	claimed := r.Header.Get("X-Amz-Checksum-Sha256")
	if claimed != "" && claimed != base64.StdEncoding.EncodeToString(sum[:]) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>BadDigest</Code><Message>The SHA256 you specified did not match the calculated checksum.</Message></Error>`)
		return
	}
	if claimed != "" {
		w.Header().Set("X-Amz-Checksum-Sha256", claimed)
	}
	if uploadID == "" {
		echoSSE(w, r.Header)
	} else {
		s.mu.Lock()
		created := s.sse[uploadID]
		s.mu.Unlock()
		echoSSE(w, created)
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.inner.ServeHTTP(rec, r)
	if rec.status >= 300 || claimed == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if uploadID == "" {
		s.objects[object] = checksum{value: claimed, kind: "FULL_OBJECT"}
		return
	}
	n, err := strconv.Atoi(partNumber)
	if err != nil {
		return
	}
	if s.parts[uploadID] == nil {
		s.parts[uploadID] = map[int][]byte{}
	}
	s.parts[uploadID][n] = sum[:]
}

// completeRequest is the body of CompleteMultipartUpload.
type completeRequest struct {
	Parts []struct {
		PartNumber int `xml:"PartNumber"`
	} `xml:"Part"`
}

// complete computes the composite checksum of a completed multipart upload.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, object, uploadID string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req completeRequest
	if err := xml.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec := httptest.NewRecorder()
	s.inner.ServeHTTP(rec, r)
	if rec.Code >= 300 {
		replay(w, rec, nil)
		return
	}
	s.mu.Lock()
	parts := s.parts[uploadID]
	created := s.sse[uploadID]
	var c checksum
	if len(parts) > 0 {
		h := sha256.New()
		for _, p := range req.Parts {
			h.Write(parts[p.PartNumber])
		}
		c = checksum{value: base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(req.Parts)), kind: "COMPOSITE"}
		s.objects[object] = c
	}
	delete(s.parts, uploadID)
	delete(s.sse, uploadID)
	s.mu.Unlock()
	echoSSE(w, created)
	result := rec.Body.Bytes()
	if c.value != "" {
		result = bytes.Replace(result, []byte("</CompleteMultipartUploadResult>"),
			[]byte("<ChecksumSHA256>"+c.value+"</ChecksumSHA256><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>"), 1)
	}
	replay(w, rec, result)
}

// read serves HeadObject and GetObject, with the stored checksum in checksum mode only.
func (s *Server) read(w http.ResponseWriter, r *http.Request, object string) {
	s.mu.Lock()
	c, ok := s.objects[object]
	corrupt, deny := s.corrupt, s.denyRead
	s.mu.Unlock()
	if deny {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		if r.Method != http.MethodHead {
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
		}
		return
	}
	o := &headerOverride{ResponseWriter: w, set: map[string]string{}}
	o.del = []string{"X-Amz-Checksum-Sha256", "X-Amz-Checksum-Algorithm", "X-Amz-Sdk-Checksum-Algorithm", "X-Amz-Checksum-Type"}
	if ok && strings.EqualFold(r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") {
		value := c.value
		if corrupt {
			sum := sha256.Sum256([]byte("not the object"))
			value = base64.StdEncoding.EncodeToString(sum[:])
			if i := strings.Index(c.value, "-"); i >= 0 {
				value += c.value[i:]
			}
		}
		o.set["X-Amz-Checksum-Sha256"] = value
		o.set["X-Amz-Checksum-Type"] = c.kind
	}
	s.inner.ServeHTTP(o, r)
	o.apply() // a HEAD handler may return without writing: the headers go out after it returns
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// headerOverride removes and sets headers just before the response starts.
type headerOverride struct {
	http.ResponseWriter
	del     []string
	set     map[string]string
	written bool
}

func (o *headerOverride) apply() {
	if o.written {
		return
	}
	o.written = true
	for _, k := range o.del {
		o.Header().Del(k)
	}
	for k, v := range o.set {
		o.Header().Set(k, v)
	}
}

func (o *headerOverride) WriteHeader(code int) {
	o.apply()
	o.ResponseWriter.WriteHeader(code)
}

func (o *headerOverride) Write(b []byte) (int, error) {
	o.apply()
	return o.ResponseWriter.Write(b)
}
