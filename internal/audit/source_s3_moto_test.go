package audit

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/motoserver"
)

// The walk over a trail in S3: which prefixes are listed for a window, where the digests and the region
// folders are found, what an empty prefix says. The listings are seen by a proxy in front of moto.

// putKeys stores a small object under each key of a new bucket and returns the bucket.
func putKeys(t *testing.T, srv *motoserver.Server, bodies map[string]string) string {
	t.Helper()
	bucket := srv.Bucket(t, "logs", true)
	client := motoserver.S3(srv.Config())
	for k, body := range bodies {
		_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(body)})
		require.NoError(t, err, "put %s", k)
	}
	return bucket
}

func TestEmulatorADigestIsFoundBesideARegionPrefix(t *testing.T) {
	srv := moto.Need(t)
	bucket := putKeys(t, srv, map[string]string{
		"AWSLogs/111122223333/CloudTrail/us-west-2/2026/11/27/111122223333_CloudTrail_us-west-2_20261127T0905Z_a.json.gz":                           "x",
		"AWSLogs/111122223333/CloudTrail-Digest/us-west-2/2026/11/28/111122223333_CloudTrail-Digest_us-west-2_t_us-west-2_20261128T110000Z.json.gz": "{}",
	})
	rep, err := Build(context.Background(), Trail{Bucket: bucket, Prefix: "AWSLogs/111122223333/CloudTrail/us-west-2/"}, motoserver.S3(srv.Config()),
		Options{Window: Window{From: day("2026-11-28T10:00:00Z"), To: day("2026-11-28T11:00:00Z")}})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Digests, "the digest of 10:00 to 11:00, in the CloudTrail-Digest folder beside the prefix")
}

func TestEmulatorAnEmptyS3PrefixIsAnError(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	for _, tt := range []struct {
		name, prefix string
		window       Window
		want         string
	}{
		{"an empty prefix", "elsewhere/", Window{}, "no CloudTrail log files under s3://" + bucket + "/elsewhere/ (want"},
		{"an empty prefix with a window", "elsewhere/", projectOptions().Window, "no CloudTrail log files under s3://" + bucket + "/elsewhere/ (want"},
		{"a window without files or digests", "cloudtrail/", Window{From: day("2026-11-10T00:00:00Z"), To: day("2026-11-11T00:00:00Z")}, "and no digest file either"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), Trail{Bucket: bucket, Prefix: tt.prefix}, motoserver.S3(srv.Config()), Options{Window: tt.window})
			assert.ErrorIs(t, err, ErrNoLogFiles)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// listedPrefixes returns the prefixes of the ListObjectsV2 requests the proxy saw without a delimiter
// (the listings of files) and with one (the walk down CloudTrail's folders).
func listedPrefixes(t *testing.T, p *motoserver.Proxy) (files, folders []string) {
	t.Helper()
	for _, r := range p.Requests() {
		q, err := url.ParseQuery(r.Query)
		require.NoError(t, err)
		if r.Method != http.MethodGet || q.Get("list-type") != "2" {
			continue
		}
		if q.Has("delimiter") {
			folders = append(folders, q.Get("prefix"))
		} else {
			files = append(files, q.Get("prefix"))
		}
	}
	return files, folders
}

func TestEmulatorAWindowedS3TrailListsOnlyTheWindowsDays(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	p := srv.Proxy(t)
	o := projectOptions()
	o.Concurrency = 3
	rep, err := Build(context.Background(), Trail{Bucket: bucket, Prefix: "cloudtrail/"}, motoserver.S3(p.Config()), o)
	require.NoError(t, err)
	assert.Equal(t, dirRows(t), rep.Rows)
	files, folders := listedPrefixes(t, p)
	root := "cloudtrail/AWSLogs/" + audittest.Account + "/CloudTrail/us-west-2/"
	assert.ElementsMatch(t, []string{root + "2026/11/28/", root + "2026/11/29/", root + "2026/11/30/"}, files,
		"28 November and the two days a late delivery may write into; never the October folder, never the whole prefix")
	assert.Contains(t, folders, "cloudtrail/AWSLogs/"+audittest.Account+"/CloudTrail/", "the regions are found by a delimited listing")
}

func TestEmulatorAnS3TrailWithoutAStartIsListedWhole(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	p := srv.Proxy(t)
	o := projectOptions()
	o.Window.From = time.Time{}
	rep, err := Build(context.Background(), Trail{Bucket: bucket, Prefix: "cloudtrail/"}, motoserver.S3(p.Config()), o)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Files, "October's file too")
	files, _ := listedPrefixes(t, p)
	assert.Equal(t, []string{"cloudtrail/"}, files)
}

func TestEmulatorRegionFoldersAreFoundInEveryLayout(t *testing.T) {
	srv := moto.Need(t)
	keys := map[string]string{}
	for _, k := range []string{
		"a/AWSLogs/111122223333/CloudTrail/us-west-2/2026/11/28/f.json.gz",
		"a/AWSLogs/111122223333/CloudTrail/eu-central-1/2026/11/28/f.json.gz",
		"a/AWSLogs/111122223333/CloudTrail-Digest/us-west-2/2026/11/28/d.json.gz",
		"org/AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2026/11/28/f.json.gz",
		"org/AWSLogs/o-abc123defg/444455556666/CloudTrail/us-east-1/2026/11/28/f.json.gz",
		"flat/111122223333_CloudTrail_us-west-2_20261128T1005Z_a.json.gz",
	} {
		keys[k] = "x"
	}
	bucket := putKeys(t, srv, keys)
	client := motoserver.S3(srv.Config())
	tests := []struct {
		prefix, kind string
		want         []string
	}{
		{"a/", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/", "CloudTrail-Digest", []string{"a/AWSLogs/111122223333/CloudTrail-Digest/us-west-2/"}},
		{"org/", "CloudTrail", []string{"org/AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/", "org/AWSLogs/o-abc123defg/444455556666/CloudTrail/us-east-1/"}},
		{"a/AWSLogs/111122223333/CloudTrail/", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail/us-west-2/", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail/us-west-2", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail", "CloudTrail", []string{"a/AWSLogs/111122223333/CloudTrail/eu-central-1/", "a/AWSLogs/111122223333/CloudTrail/us-west-2/"}},
		{"a/AWSLogs/111122223333/CloudTrail/us-west-2/2026/", "CloudTrail", nil},
		{"flat/", "CloudTrail", nil},
	}
	for _, tt := range tests {
		t.Run(tt.prefix+" "+tt.kind, func(t *testing.T) {
			roots, err := s3Trail{client: client, bucket: bucket, prefix: tt.prefix, limit: 2}.regionRoots(context.Background(), tt.kind)
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, roots)
		})
	}
}

func TestEmulatorProgressIsDrawnOnOneLine(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	var buf bytes.Buffer
	o := projectOptions()
	o.Progress = &buf
	_, err := Build(context.Background(), Trail{Bucket: bucket, Prefix: "cloudtrail/"}, motoserver.S3(srv.Config()), o)
	require.NoError(t, err)
	out := buf.String()
	assert.True(t, strings.HasPrefix(out, "\rsce audit report: reading 0/2 log files"), "%q", out)
	assert.True(t, strings.HasSuffix(out, "\rsce audit report: reading 2/2 log files\n"), "%q", out)
	assert.NotContains(t, out, "\x1b", "no colour, no terminal query")
	assert.Equal(t, 1, strings.Count(out, "\n"))
}
