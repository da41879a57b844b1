package audit

import (
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

// The fixtures' log files as the trail bucket holds them, under the prefix the stack's trail writes to.
const (
	logDir    = "AWSLogs/111122223333/CloudTrail/us-west-2/2026/11/28/"
	morning   = logDir + "111122223333_CloudTrail_us-west-2_20261128T1005Z_a1B2c3D4e5F6g7H8.json.gz"
	afternoon = logDir + "111122223333_CloudTrail_us-west-2_20261128T1410Z_b2C3d4E5f6G7h8I9.json.gz"
	october   = "AWSLogs/111122223333/CloudTrail/us-west-2/2026/10/20/111122223333_CloudTrail_us-west-2_20261020T0905Z_c3D4e5F6g7H8i9J0.json.gz"
)

// logBucket puts the fixtures into a new log bucket under prefix and returns the bucket.
func logBucket(t *testing.T, srv *motoserver.Server, prefix string) string {
	t.Helper()
	bucket := srv.Bucket(t, "logs", true)
	audittest.PutS3(t, motoserver.S3(srv.Config()), bucket, prefix)
	return bucket
}

func buildFromS3(t *testing.T, cfg aws.Config, bucket, prefix string) (*Report, error) {
	t.Helper()
	trail, err := ParseTrail("s3://" + bucket + "/" + prefix)
	require.NoError(t, err)
	return Build(context.Background(), trail, motoserver.S3(cfg), projectOptions())
}

// gets returns the object keys the proxy saw fetched, without the bucket.
func gets(p *motoserver.Proxy, bucket string) []string {
	var keys []string
	for _, r := range p.Requests() {
		if r.Method == http.MethodGet && !r.Faulted && strings.HasPrefix(r.Path, "/"+bucket+"/") {
			keys = append(keys, strings.TrimPrefix(r.Path, "/"+bucket+"/"))
		}
	}
	return keys
}

func TestEmulatorTheReportReadsATrailPrefixInS3(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	audittest.PutS3(t, motoserver.S3(srv.Config()), bucket, "other-trail/") // another prefix of the bucket
	_, err := motoserver.S3(srv.Config()).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket),
		Key: aws.String("cloudtrail/" + logDir + "111122223333_CloudTrail_us-west-2_20261128T1500Z_broken.json.gz"), Body: strings.NewReader("not gzip, not json")})
	require.NoError(t, err)
	p := srv.Proxy(t)

	rep, err := buildFromS3(t, p.Config(), bucket, "cloudtrail/")
	require.NoError(t, err)
	assert.Equal(t, "s3://"+bucket+"/cloudtrail/", rep.Trail)
	assert.Equal(t, 2, rep.Files)
	assert.Equal(t, dirRows(t), rep.Rows, "the same rows as from a directory")
	require.Len(t, rep.Problems, 1, "the broken file is reported, not silently dropped")
	assert.Contains(t, rep.Problems[0], "_broken.json.gz: parse:")
	fetched := gets(p, bucket)
	assert.ElementsMatch(t, []string{"cloudtrail/" + morning, "cloudtrail/" + afternoon, "cloudtrail/" + logDir + "111122223333_CloudTrail_us-west-2_20261128T1500Z_broken.json.gz"},
		fetched, "only the prefix's log files of the window are fetched: no digest, no October file, no other prefix")
}

func TestEmulatorAListingOfManyPagesIsReadToTheEnd(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	// Pages of one key (S3 gives a thousand): the 28 November folder's two log files take two, and so do
	// the account folder's two subfolders (CloudTrail-Digest/ sorts before CloudTrail/, which is on the
	// second page).
	p := srv.Proxy(t, motoserver.Fault{Match: motoserver.S3Op(http.MethodGet, "/"+bucket, "list-type"), Alter: func(r *http.Request) {
		q := r.URL.Query()
		q.Set("max-keys", "1")
		r.URL.RawQuery = q.Encode()
	}})
	rep, err := buildFromS3(t, p.Config(), bucket, "cloudtrail/")
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Files)
	assert.Equal(t, dirRows(t), rep.Rows)
	pages := map[string]int{}
	for _, r := range p.Requests() {
		q, err := url.ParseQuery(r.Query)
		require.NoError(t, err)
		if q.Get("list-type") == "2" {
			pages[q.Get("prefix")]++
		}
	}
	account := "cloudtrail/AWSLogs/" + audittest.Account + "/"
	assert.Equal(t, 2, pages[account+"CloudTrail/us-west-2/2026/11/28/"], "the continuation token of the day's listing was followed to the last page")
	assert.Equal(t, 2, pages[account], "and that of the walk down the folders")
}

func TestEmulatorALogFileGoneBetweenListingAndReadingIsAProblem(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	admin := motoserver.S3(srv.Config())
	// The fault follows the listing of the file's day folder (the walk down the folders comes first).
	day := func(r *http.Request) bool {
		return motoserver.S3Op(http.MethodGet, "/"+bucket, "list-type")(r) && r.URL.Query().Get("prefix") == "cloudtrail/"+logDir
	}
	p := srv.Proxy(t, motoserver.Fault{Match: day, Times: 1, Then: func() {
		_, err := admin.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("cloudtrail/" + afternoon)})
		assert.NoError(t, err)
	}})
	rep, err := buildFromS3(t, p.Config(), bucket, "cloudtrail/")
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Files)
	require.Len(t, rep.Problems, 1)
	assert.Contains(t, rep.Problems[0], "s3://"+bucket+"/cloudtrail/"+afternoon+": ")
	assert.Contains(t, rep.Problems[0], "NoSuchKey")
}

func TestEmulatorSlowDownOnALogFileIsRetriedAndAPersistentOneIsAProblem(t *testing.T) {
	srv := moto.Need(t)
	bucket := logBucket(t, srv, "cloudtrail/")
	p := srv.Proxy(t,
		motoserver.SlowDown(motoserver.S3Op(http.MethodGet, "/"+morning), 2),
		motoserver.SlowDown(motoserver.S3Op(http.MethodGet, "/"+afternoon), 0))
	rep, err := buildFromS3(t, p.Config(), bucket, "cloudtrail/")
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Files, "the morning's file after two SlowDowns")
	require.Len(t, rep.Problems, 1, "the afternoon's, refused on every attempt, is missing and said so")
	assert.Contains(t, rep.Problems[0], afternoon)
	assert.Contains(t, rep.Problems[0], "SlowDown")
}

func TestEmulatorAReaderWithoutPermissionGetsAnErrorOrProblemsNeverAnEmptyReport(t *testing.T) {
	srv := moto.Need(t)
	// At the bucket's top (no prefix), and for a window without a start: under enforcement moto refuses
	// the signature of a listing whose prefix or delimiter holds a "/", so the reader must list the bucket
	// whole, without the walk down the folders a window's start makes. Every log file then belongs to
	// the window.
	bucket := logBucket(t, srv, "")
	listOnly := srv.User(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::`+bucket+`"}]}`)
	nothing := srv.User(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+bucket+`/*"}]}`)
	srv.EnforceIAM(t)
	o := projectOptions()
	o.Window.From = time.Time{}
	build := func(cfg aws.Config) (*Report, error) {
		return Build(context.Background(), Trail{Bucket: bucket}, motoserver.S3(cfg), o)
	}

	_, err := build(nothing)
	require.Error(t, err, "a trail that cannot be listed is an error")
	assert.Contains(t, err.Error(), "list s3://"+bucket+"/")
	assert.Contains(t, err.Error(), "AccessDenied")

	rep, err := build(listOnly)
	require.NoError(t, err)
	assert.Zero(t, rep.Files)
	require.Len(t, rep.Problems, 3, "each log file of the window (October's too) that could not be read is a problem")
	for _, p := range rep.Problems {
		assert.Contains(t, p, "AccessDenied")
	}
}

func TestEmulatorAMissingLogBucketIsAnError(t *testing.T) {
	srv := moto.Need(t)
	_, err := buildFromS3(t, srv.Config(), srv.Name("no-such-logs"), "cloudtrail/")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchBucket")
}
