package egress

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/motoserver"
	"github.com/sce-project/sce/lambda/release/handler"
)

const (
	bobRole   = "arn:aws:iam::111122223333:role/reviewers/study-reviewer-bob"
	carolRole = "arn:aws:iam::111122223333:role/study-reviewer-carol"
)

// Callers as STS reports them.
var (
	alice = Identity{ARN: "arn:aws:sts::111122223333:assumed-role/study-researcher/alice", UserID: "AROAEXAMPLERESEARCH1:alice", Account: "111122223333"}
	bob   = Identity{ARN: "arn:aws:sts::111122223333:assumed-role/study-reviewer-bob/bob", UserID: "AROAEXAMPLEREVIEWBOB:bob", Account: "111122223333"}
	carol = Identity{ARN: "arn:aws:sts::111122223333:assumed-role/study-reviewer-carol/carol", UserID: "AROAEXAMPLEREVIEWCAR:carol", Account: "111122223333"}
	// aliceAsReviewer is alice under a reviewer role: the same person.
	aliceAsReviewer = Identity{ARN: "arn:aws:sts::111122223333:assumed-role/study-reviewer-carol/alice", UserID: "AROAEXAMPLEREVIEWCAR:alice", Account: "111122223333"}
)

// fakeSTS answers GetCallerIdentity as whoever the test says the caller is.
type fakeSTS struct{ who Identity }

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Arn: aws.String(f.who.ARN), UserId: aws.String(f.who.UserID), Account: aws.String(f.who.Account)}, nil
}

// deployed is one test's deployed airlock: the ledger table and its stream, the bucket and the project
// key (in the emulator, whose S3 requests the proxy records), the alert topic (in the emulator), the
// release function, and the CLI's client acting as whoever sts says.
type deployed struct {
	t      *testing.T
	table  string
	stream *motoserver.Stream
	bucket string
	key    string
	s3     *motoserver.Proxy
	admin  *s3.Client // the emulator's S3, not through the proxy
	sts    *fakeSTS
	client *Client
	fn     *handler.Handler
}

func newAirlock(t *testing.T) *deployed {
	t.Helper()
	srv := moto.Need(t)
	table := srv.StreamTable(t, "study-upload-ledger", "object", "version", dbtypes.StreamViewTypeNewImage)
	a := &deployed{t: t, table: table.Name, stream: srv.Stream(table.StreamARN), bucket: srv.Bucket(t, "study-output", true), key: srv.KMSKey(t),
		s3: srv.Proxy(t), admin: motoserver.S3(srv.Config()), sts: &fakeSTS{who: alice}}
	client := motoserver.S3(a.s3.Config())
	db := dynamodb.NewFromConfig(srv.Config())
	var err error
	a.client, err = New(Target{Table: a.table, Bucket: a.bucket, KMSKeyARN: a.key}, db, client, a.sts)
	require.NoError(t, err)
	a.fn, err = handler.New(handler.Config{Table: a.table, Bucket: a.bucket, TopicARN: srv.Topic(t, "study-alerts").ARN, KMSKeyARN: a.key,
		Reviewers: []string{bobRole, carolRole}, Approvals: handler.MinApprovals}, handler.Clients{DynamoDB: db, S3: client, SNS: sns.NewFromConfig(srv.Config())},
		slog.New(slog.NewTextHandler(io.Discard, nil)), "study-airlock-release")
	require.NoError(t, err)
	return a
}

// settle runs the release function over the stream until it is quiet, as Lambda would.
func (a *deployed) settle() {
	a.t.Helper()
	for range 20 {
		ev, err := a.stream.Next(context.Background())
		require.NoError(a.t, err)
		if len(ev.Records) == 0 {
			return
		}
		resp, err := a.fn.Handle(context.Background(), ev)
		require.NoError(a.t, err)
		require.Empty(a.t, resp.BatchItemFailures)
	}
	a.t.Fatal("the stream never went quiet")
}

func (a *deployed) as(who Identity) *deployed { a.sts.who = who; return a }

// results writes result files into a directory and returns their paths.
func results(t *testing.T, files map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		paths = append(paths, p)
	}
	return paths
}

func (a *deployed) request(files map[string]string) Submitted {
	a.t.Helper()
	sub, err := a.as(alice).client.Submit(context.Background(), RequestInput{Files: results(a.t, files), Why: "Table 1 of the paper",
		Now: time.Date(2026, 11, 3, 14, 25, 1, 0, time.UTC), Random: bytes.NewReader([]byte{0x9f, 0x86, 0xd0, 0x81})})
	require.NoError(a.t, err)
	a.settle()
	return sub
}

func TestARequestUploadsRecordsAndIsIndexed(t *testing.T) {
	a := newAirlock(t)
	sub := a.request(map[string]string{"table1.csv": "age_band,n\n40-49,25\n50-59,3\n"})

	assert.Equal(t, "20261103T142501Z-9f86d081", sub.Request.ID())
	assert.Equal(t, ledger.RequestObject(alice.UserID), sub.Request.Object, "keyed by the caller's aws:userid, the only key the table's policy lets it write")
	assert.Equal(t, alice.ARN, sub.Request.Requester)
	require.Len(t, sub.Request.Files, 1)
	f := sub.Request.Files[0]
	assert.Equal(t, "outbox/20261103T142501Z-9f86d081/table1.csv", f.Key)
	assert.Len(t, f.SHA256, 64)
	assert.NotEmpty(t, f.VersionID)
	assert.Equal(t, 1, sub.Request.Flagged, "the small cell (3) is flagged, and recorded with the request")
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(sub.Request.Checks), &rep))
	assert.NotEmpty(t, rep["findings"])
	puts := 0
	for _, r := range a.s3.Requests() {
		if r.Method == "PUT" && strings.Contains(r.Path, "/outbox/") {
			puts++
			assert.Equal(t, "aws:kms", r.Header.Get("X-Amz-Server-Side-Encryption"), "SSE-KMS with the project key")
			assert.Equal(t, a.key, r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"))
		}
	}
	assert.Positive(t, puts, "the file was PUT into the outbox")

	list, err := a.client.List(context.Background())
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, ledger.StatusPending, list[0].Status)
	d, err := a.client.Show(context.Background(), sub.Request.ID())
	require.NoError(t, err)
	require.NotNil(t, d.Record)
	assert.Equal(t, []string{bobRole, carolRole}, d.Record.Reviewers)
	assert.Len(t, d.Events, 1)
}

func TestTwoReviewersReleaseThroughTheCLI(t *testing.T) {
	a := newAirlock(t)
	sub := a.request(map[string]string{"table1.csv": "age_band,n\n40-49,25\n", "notes.txt": "method\n"})
	id := sub.Request.ID()

	rv, err := a.as(bob).client.Review(context.Background(), ReviewInput{ID: id, Decision: ledger.Approve})
	require.NoError(t, err)
	assert.Equal(t, ledger.ReviewObject(bobRole, bob.UserID), rv.Object, "the configured ARN, path included: what aws:PrincipalArn is")
	a.settle()
	d, err := a.client.Show(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, ledger.StatusPending, d.Entry.Status, "one approval releases nothing")

	_, err = a.as(carol).client.Review(context.Background(), ReviewInput{ID: id, Decision: ledger.Approve, Comment: "counts are all above 10"})
	require.NoError(t, err)
	a.settle()
	d, err = a.client.Show(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, ledger.StatusReleased, d.Entry.Status)
	require.NotNil(t, d.Release)
	assert.Len(t, d.Release.Files, 2)
	assert.Len(t, d.Decisions, 2)

	_, err = a.as(bob).client.Review(context.Background(), ReviewInput{ID: id, Decision: ledger.Reject, Comment: "too late"})
	assert.ErrorContains(t, err, "is released: nothing can change it")
}

func TestTheCLIRefusesWhatWouldNotCount(t *testing.T) {
	a := newAirlock(t)
	id := a.request(map[string]string{"table1.csv": "n\n12\n"}).Request.ID()
	ctx := context.Background()

	_, err := a.as(alice).client.Review(ctx, ReviewInput{ID: id, Decision: ledger.Approve})
	assert.ErrorContains(t, err, "are not one of the reviewers", "the researcher's role is no reviewer's")
	_, err = a.as(aliceAsReviewer).client.Review(ctx, ReviewInput{ID: id, Decision: ledger.Approve})
	assert.ErrorContains(t, err, "a requester may not review their own request")
	_, err = a.as(bob).client.Review(ctx, ReviewInput{ID: id, Decision: ledger.Reject})
	assert.ErrorContains(t, err, "--reason")
	_, err = a.as(bob).client.Review(ctx, ReviewInput{ID: "not-an-id", Decision: ledger.Approve})
	assert.ErrorContains(t, err, "is not a request id")
	_, err = a.as(bob).client.Review(ctx, ReviewInput{ID: "20261103T142501Z-00000000", Decision: ledger.Approve})
	assert.ErrorContains(t, err, "is not in the airlock's index")
}

func TestARequestWithAPHINamedFileUploadsNothing(t *testing.T) {
	a := newAirlock(t)
	_, err := a.as(alice).client.Submit(context.Background(), RequestInput{Files: results(t, map[string]string{"123-45-6789.csv": "n\n12\n"}), Why: "x"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "123-45-6789", "the refused name is not repeated")
	for _, r := range a.s3.Requests() {
		assert.NotContains(t, r.Path, "/outbox/", "nothing reached the outbox")
	}
	ev, err := a.stream.Next(context.Background())
	require.NoError(t, err)
	assert.Empty(t, ev.Records, "nothing was recorded")

	_, err = a.client.Submit(context.Background(), RequestInput{Files: results(t, map[string]string{"t.csv": "n\n12\n"})})
	assert.ErrorContains(t, err, "--why")
}

func TestFetchChecksTheHashes(t *testing.T) {
	a := newAirlock(t)
	id := a.request(map[string]string{"table1.csv": "n\n12\n"}).Request.ID()
	dir := t.TempDir()
	paths, err := a.as(bob).client.Fetch(context.Background(), id, dir)
	require.NoError(t, err)
	require.Len(t, paths, 1)
	body, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	assert.Equal(t, "n\n12\n", string(body))

	_, err = a.admin.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(a.bucket), Key: aws.String(ledger.OutboxKey(id, "table1.csv")),
		Body: strings.NewReader("n\n2\n")})
	require.NoError(t, err)
	_, err = a.client.Fetch(context.Background(), id, t.TempDir())
	assert.ErrorContains(t, err, "differ from the request")
}

func TestAnOversizedReportIsCutFlaggedFirst(t *testing.T) {
	var rows strings.Builder
	rows.WriteString("group,n\n")
	for i := range 20000 {
		rows.WriteString("g" + strings.Repeat("x", i%7) + ",3\n")
	}
	a := newAirlock(t)
	sub := a.request(map[string]string{"big.csv": rows.String()})
	assert.LessOrEqual(t, len(sub.Request.Checks), ledger.MaxChecks)
	var cut struct {
		Findings []map[string]any `json:"findings"`
		Omitted  int              `json:"omitted"`
	}
	require.NoError(t, json.Unmarshal([]byte(sub.Request.Checks), &cut))
	assert.Positive(t, cut.Omitted)
	assert.Equal(t, "flag", cut.Findings[0]["level"])
	assert.Equal(t, 20000, sub.Request.Flagged, "the count of flagged findings is whole")
}
