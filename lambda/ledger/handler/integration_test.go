package handler

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sce-project/sce/internal/phi"
	"github.com/sce-project/sce/internal/s3test"
)

// startS3 starts the in-process S3 server with a versioned data-in bucket.
func startS3(t *testing.T) *s3test.Server {
	t.Helper()
	srv := s3test.Start(t, testBucket)
	_, err := srv.Client.PutBucketVersioning(context.Background(), &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(testBucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	})
	if err != nil {
		t.Fatalf("enable versioning: %v", err)
	}
	return srv
}

// putThroughSDK puts an object through the SDK with SSE-KMS, as `sce upload` does, and points the event's
// record at the version the server made.
func putThroughSDK(t *testing.T, srv *s3test.Server, ev *events.S3Event, body []byte) (key, version string) {
	t.Helper()
	r := &ev.Records[0]
	key, err := decodeKey(r.S3.Object.Key)
	if err != nil {
		t.Fatalf("decode fixture key: %v", err)
	}
	out, err := srv.Client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket:               aws.String(testBucket),
		Key:                  aws.String(key),
		Body:                 bytes.NewReader(body),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms,
		SSEKMSKeyId:          aws.String(testKeyARN),
	})
	if err != nil {
		t.Fatalf("put the object: %v", err)
	}
	version = aws.ToString(out.VersionId)
	if version == "" {
		t.Fatal("the server made no version: is versioning on?")
	}
	r.S3.Object.VersionID = version
	r.S3.Object.Size = int64(len(body))
	return key, version
}

// requestsFor returns the requests with the given method whose path is the object's.
func requestsFor(srv *s3test.Server, method, key string) []s3test.Request {
	var found []s3test.Request
	for _, r := range srv.Requests() {
		if r.Method == method && r.Path == "/"+testBucket+"/"+key {
			found = append(found, r)
		}
	}
	return found
}

func TestIntegrationACleanUploadIsReadThroughTheSDK(t *testing.T) {
	srv := startS3(t)
	ev := loadEvent(t, "put-encoded-key.json")
	body := []byte("id,value\n1,42\n")
	key, version := putThroughSDK(t, srv, &ev, body)
	e := newEnvWithS3(t, srv.Client)

	if err := e.handle(ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}

	heads := requestsFor(srv, http.MethodHead, key)
	if len(heads) != 1 {
		t.Fatalf("%d HeadObject requests for the key, want 1", len(heads))
	}
	if q, _ := url.ParseQuery(heads[0].Query); q.Get("versionId") != version {
		t.Errorf("HeadObject query %q, want versionId=%s", heads[0].Query, version)
	}
	items := e.db.all()
	if len(items) != 1 {
		t.Fatalf("ledger holds %d items, want 1", len(items))
	}
	item := items[0]
	for attr, want := range map[string]string{
		AttrObject:   testBucket + "/" + key,
		AttrVersion:  version,
		AttrSSE:      "aws:kms",
		AttrKMSKeyID: testKeyARN,
	} {
		if got := s(t, item, attr); got != want {
			t.Errorf("item %s = %q, want %q", attr, got, want)
		}
	}
	if got := n(t, item, AttrSize); got != "14" {
		t.Errorf("item size = %s, want 14 (from HeadObject)", got)
	}
	if s(t, item, AttrETag) == "" || strings.Contains(s(t, item, AttrETag), `"`) {
		t.Errorf("item ETag = %q, want the ETag without quotes", s(t, item, AttrETag))
	}
	if len(e.sqs.sent) != 1 || len(e.sns.published) != 1 {
		t.Errorf("%d messages and %d notifications, want 1 each", len(e.sqs.sent), len(e.sns.published))
	}
	if len(requestsFor(srv, http.MethodDelete, key)) != 0 {
		t.Error("a clean upload was deleted")
	}
}

func TestIntegrationAPHIKeyIsQuarantinedThroughTheSDK(t *testing.T) {
	for _, tt := range phiCases {
		t.Run("a key with "+tt.name+" is copied with SSE-KMS and its version deleted", func(t *testing.T) {
			srv := startS3(t)
			ev := loadEvent(t, tt.fixture)
			body := []byte("not really a lab report")
			key, version := putThroughSDK(t, srv, &ev, body)
			qkey := "quarantine/" + phi.KeyHash(key)
			e := newEnvWithS3(t, srv.Client)

			if err := e.handle(ev); err != nil {
				t.Fatalf("Handle: %v", err)
			}

			// The copy: one PUT to the quarantine key naming the version, with SSE-KMS and the project key.
			copies := requestsFor(srv, http.MethodPut, qkey)
			if len(copies) != 1 {
				t.Fatalf("%d PUT requests for the quarantine key, want 1", len(copies))
			}
			h := copies[0].Header
			if got, want := h.Get("X-Amz-Copy-Source"), testBucket+"/"+escapeKey(key)+"?versionId="+url.QueryEscape(version); got != want {
				t.Errorf("x-amz-copy-source = %q, want %q", got, want)
			}
			if got := h.Get("X-Amz-Server-Side-Encryption"); got != "aws:kms" {
				t.Errorf("x-amz-server-side-encryption = %q, want aws:kms", got)
			}
			if got := h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"); got != testKeyARN {
				t.Errorf("x-amz-server-side-encryption-aws-kms-key-id = %q, want %q", got, testKeyARN)
			}

			// The delete: of that version.
			deletes := requestsFor(srv, http.MethodDelete, key)
			if len(deletes) != 1 {
				t.Fatalf("%d DELETE requests for the key, want 1", len(deletes))
			}
			if q, _ := url.ParseQuery(deletes[0].Query); q.Get("versionId") != version {
				t.Errorf("DeleteObject query %q, want versionId=%s", deletes[0].Query, version)
			}

			// What the bucket holds afterwards: the copy, encrypted, with the same bytes; no version
			// and no delete marker under the key.
			ctx := context.Background()
			got, err := srv.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String(qkey)})
			if err != nil {
				t.Fatalf("get the quarantined copy: %v", err)
			}
			var copied bytes.Buffer
			if _, err := copied.ReadFrom(got.Body); err != nil {
				t.Fatalf("read the quarantined copy: %v", err)
			}
			if err := got.Body.Close(); err != nil {
				t.Fatalf("close the quarantined copy: %v", err)
			}
			if !bytes.Equal(copied.Bytes(), body) {
				t.Errorf("quarantined copy holds %q, want %q", copied.Bytes(), body)
			}
			if got.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(got.SSEKMSKeyId) != testKeyARN {
				t.Errorf("quarantined copy encryption %q with %q, want aws:kms with the project key", got.ServerSideEncryption, aws.ToString(got.SSEKMSKeyId))
			}
			versions, err := srv.Client.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(testBucket), Prefix: aws.String("incoming/")})
			if err != nil {
				t.Fatalf("list versions: %v", err)
			}
			for _, v := range versions.Versions {
				if aws.ToString(v.Key) == key {
					t.Errorf("version %s of the PHI key survives", aws.ToString(v.VersionId))
				}
			}
			for _, m := range versions.DeleteMarkers {
				if aws.ToString(m.Key) == key {
					t.Error("a delete marker keeps the PHI key in the bucket's versions")
				}
			}

			items := e.db.all()
			if len(items) != 1 || s(t, items[0], AttrObject) != qkey {
				t.Fatalf("ledger = %v, want one item under %s", items, qkey)
			}
			if len(e.sqs.sent) != 0 || len(e.sns.published) != 1 {
				t.Errorf("%d messages and %d alerts, want 0 and 1", len(e.sqs.sent), len(e.sns.published))
			}
			for _, form := range keyForms(key, tt.secret) {
				if strings.Contains(e.logs.String(), form) {
					t.Errorf("the log holds the key as %q", form)
				}
			}
		})
	}
}
