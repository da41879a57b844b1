// Package audittest holds CloudTrail log files for tests, written from CloudTrail's documented record
// format (testdata/*.json, readable), and lays them out as CloudTrail does: gzip-compressed, under
// AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/ (digests under CloudTrail-Digest/).
//
// The fixtures, for the project stack hipaa (account 111122223333, us-west-2, endpoint
// vpce-0123456789abcdef0, data-in bucket hipaa-data-in-1a2b3c4d, output bucket hipaa-output-5e6f7a8b):
//
//   - ..._20261128T1005Z_...: the workstation role reads incoming/patients.csv through the endpoint; the
//     admin role uploads incoming/timeseries.csv from 198.51.100.7 (outside the endpoint); the IAM user
//     mallory is denied incoming/123-45-6789.csv from 203.0.113.9; a PutBucketPolicy management event;
//     a read of someone-elses-bucket; a Lambda Invoke data event.
//   - ..._20261128T1410Z_...: a role of account 444455556666 reads through the endpoint (an unknown
//     principal); a read at 2026-11-27T23:59:59Z (before the window of 28 November); a ListObjects on
//     the output bucket; a read in the older record format (managementEvent false, no eventCategory); a
//     NoSuchKey failure.
//   - ..._20261020T0905Z_...: a read in October, in a file whose name dates it outside the window.
//   - a digest file, which is not a log file.
package audittest

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

//go:embed testdata/*.json
var fixtures embed.FS

// The stack the fixtures describe.
const (
	Account         = "111122223333"
	DataIn          = "hipaa-data-in-1a2b3c4d"
	Output          = "hipaa-output-5e6f7a8b"
	Endpoint        = "vpce-0123456789abcdef0"
	WorkstationRole = "arn:aws:iam::111122223333:role/hipaa-workstation-role"
	AdminRole       = "arn:aws:iam::111122223333:role/hipaa-admin"
)

var fileDateRE = regexp.MustCompile(`_(\d{4})(\d{2})(\d{2})T\d{4,6}Z`)

// Files returns the fixture log files, gzip-compressed, by their path in a trail bucket.
func Files(t testing.TB) map[string][]byte {
	t.Helper()
	entries, err := fixtures.ReadDir("testdata")
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, err := fixtures.ReadFile("testdata/" + e.Name())
		if err != nil {
			t.Fatalf("read fixture %s: %v", e.Name(), err)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(data); err != nil {
			t.Fatalf("gzip %s: %v", e.Name(), err)
		}
		if err := zw.Close(); err != nil {
			t.Fatalf("gzip %s: %v", e.Name(), err)
		}
		m := fileDateRE.FindStringSubmatch(e.Name())
		if m == nil {
			t.Fatalf("fixture %s has no date in its name", e.Name())
		}
		kind := "CloudTrail"
		if strings.Contains(e.Name(), "CloudTrail-Digest") {
			kind = "CloudTrail-Digest"
		}
		out[path.Join("AWSLogs", Account, kind, "us-west-2", m[1], m[2], m[3], e.Name()+".gz")] = buf.Bytes()
	}
	return out
}

// WriteDir writes the fixtures under dir, as `aws s3 sync` of a trail bucket would.
func WriteDir(t testing.TB, dir string) {
	t.Helper()
	for name, data := range Files(t) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// PutS3 stores the fixtures in a bucket under prefix (for example "cloudtrail/").
func PutS3(t testing.TB, client *s3.Client, bucket, prefix string) {
	t.Helper()
	for name, data := range Files(t) {
		_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(prefix + name), Body: bytes.NewReader(data),
			ContentType: aws.String("application/json"), ContentEncoding: aws.String("gzip"),
		})
		if err != nil {
			t.Fatalf("put %s: %v", name, err)
		}
	}
}
