package motoserver

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var moto *Server

func TestMain(m *testing.M) { os.Exit(Main(m, &moto)) }

func TestTheEnvironmentDecidesWhetherTheEmulatorIsRequired(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"SCE_REQUIRE_MOTO": "1"}, true},
		{map[string]string{"SCE_REQUIRE_MOTO": "0"}, false},
		{map[string]string{"CI": "1"}, true},
		{map[string]string{"CI": "true"}, true},
		{map[string]string{"CI": "false"}, false},
		{map[string]string{"CI": "0"}, false},
	} {
		assert.Equal(t, tc.want, Required(func(k string) string { return tc.env[k] }), "%v", tc.env)
	}
}

func TestWithoutAServerATestSkipsSayingHowToInstallIt(t *testing.T) {
	var none *Server
	var skipped, ranOn bool
	t.Run("the skipped test", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		none.Need(t)
		ranOn = true
	})
	assert.True(t, skipped, "Need skips the test")
	assert.False(t, ranOn, "nothing after Need runs")
}

func TestTheServerAnswersTheAdministratorAndRefusesOthers(t *testing.T) {
	srv := moto.Need(t)
	ctx := context.Background()
	bucket := srv.Bucket(t, "self", true)
	srv.EnforceIAM(t)
	client := S3(srv.Config())
	_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a"), Body: strings.NewReader("x")})
	require.NoError(t, err)

	stranger := srv.Config()
	stranger.Credentials = credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
	_, err = S3(stranger).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a")})
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "InvalidAccessKeyId", api.ErrorCode(), "an unknown key is refused: IAM is enforced")

	writer := srv.User(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::`+bucket+`/*"}]}`)
	_, err = S3(writer).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("b"), Body: strings.NewReader("y")})
	require.NoError(t, err, "the user may do what its policy allows")
	_, err = S3(writer).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("b")})
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "AccessDenied", api.ErrorCode(), "and nothing else")
}

func TestTheProxyRecordsAndInjectsFaultsThatTheSDKRetries(t *testing.T) {
	srv := moto.Need(t)
	ctx := context.Background()
	bucket := srv.Bucket(t, "self", false)
	p := srv.Proxy(t, SlowDown(S3Op(http.MethodPut, "/a"), 2))
	_, err := S3(p.Config()).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a"), Body: strings.NewReader("x")})
	require.NoError(t, err, "two SlowDowns are within the standard retryer's three attempts")
	reqs := p.Requests()
	require.Len(t, reqs, 3)
	assert.True(t, reqs[0].Faulted && reqs[1].Faulted && !reqs[2].Faulted)

	p.Add(SlowDown(S3Op(http.MethodPut, "/b"), 0))
	_, err = S3(p.Config()).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("b"), Body: strings.NewReader("x")})
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "%v", err)
	assert.Equal(t, "SlowDown", api.ErrorCode())
	assert.Contains(t, err.Error(), "exceeded maximum number of attempts, 3")
}

func TestIAMIsEnforcedOnlyWhileATestAsks(t *testing.T) {
	srv := moto.Need(t)
	bucket := srv.Bucket(t, "self", false)
	anyone := srv.Config()
	anyone.Credentials = credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
	put := func() error {
		_, err := S3(anyone).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x")})
		return err
	}
	require.NoError(t, put(), "without enforcement any key is accepted")
	t.Run("enforced", func(t *testing.T) {
		srv.EnforceIAM(t)
		require.Error(t, put())
	})
	require.NoError(t, put(), "enforcement ends with the test that asked for it")
}

func TestNamesAreUnique(t *testing.T) {
	srv := moto.Need(t)
	assert.NotEqual(t, srv.Name("x"), srv.Name("x"))
}

func TestTheProxyAddsItsLatencyToEveryRequest(t *testing.T) {
	srv := moto.Need(t)
	bucket := srv.Bucket(t, "self", false)
	p := srv.Proxy(t)
	head := func() time.Duration {
		start := time.Now()
		_, err := S3(p.Config()).HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		return time.Since(start)
	}
	p.SetLatency(200 * time.Millisecond)
	assert.GreaterOrEqual(t, head(), 200*time.Millisecond, "the request waited")
	p.SetLatency(0)
	assert.Less(t, head(), 200*time.Millisecond, "and no longer does")
}

// TestTheStreamHandsOnEveryWriteOnceAsLambdaWould writes, overwrites and deletes items of a stream table
// and reads the stream: each write once, in order, decoded as the Lambda event, with the stream's ARN.
func TestTheStreamHandsOnEveryWriteOnceAsLambdaWould(t *testing.T) {
	srv := moto.Need(t)
	table := srv.StreamTable(t, "ledger", "object", "version", dbtypes.StreamViewTypeNewImage)
	assert.Contains(t, table.StreamARN, ":table/"+table.Name+"/stream/")
	db := dynamodb.NewFromConfig(srv.Config())
	stream := srv.Stream(table.StreamARN)
	c := context.Background()

	ev, err := stream.Next(c)
	require.NoError(t, err)
	assert.Empty(t, ev.Records, "a new table's stream is empty")

	key := map[string]dbtypes.AttributeValue{"object": &dbtypes.AttributeValueMemberS{Value: "a"}, "version": &dbtypes.AttributeValueMemberS{Value: "1"}}
	item := func(n string) map[string]dbtypes.AttributeValue {
		return map[string]dbtypes.AttributeValue{"object": key["object"], "version": key["version"], "n": &dbtypes.AttributeValueMemberN{Value: n},
			"files": &dbtypes.AttributeValueMemberL{Value: []dbtypes.AttributeValue{&dbtypes.AttributeValueMemberM{Value: map[string]dbtypes.AttributeValue{
				"name": &dbtypes.AttributeValueMemberS{Value: "t.csv"}}}}}}
	}
	for _, n := range []string{"12", "14"} {
		_, err := db.PutItem(c, &dynamodb.PutItemInput{TableName: aws.String(table.Name), Item: item(n)})
		require.NoError(t, err)
	}
	ev, err = stream.Next(c)
	require.NoError(t, err)
	require.Len(t, ev.Records, 2)
	for i, want := range []struct{ name, n string }{{"INSERT", "12"}, {"MODIFY", "14"}} {
		r := ev.Records[i]
		assert.Equal(t, want.name, r.EventName)
		assert.Equal(t, "aws:dynamodb", r.EventSource)
		assert.Equal(t, table.StreamARN, r.EventSourceArn)
		assert.Equal(t, "a", r.Change.Keys["object"].String())
		assert.Equal(t, want.n, r.Change.NewImage["n"].Number())
		assert.Equal(t, "t.csv", r.Change.NewImage["files"].List()[0].Map()["name"].String())
		assert.Equal(t, "NEW_IMAGE", r.Change.StreamViewType)
		assert.NotEmpty(t, r.Change.SequenceNumber)
	}
	assert.Less(t, ev.Records[0].Change.SequenceNumber, ev.Records[1].Change.SequenceNumber)

	ev, err = stream.Next(c)
	require.NoError(t, err)
	assert.Empty(t, ev.Records, "a record is handed on once")

	_, err = db.DeleteItem(c, &dynamodb.DeleteItemInput{TableName: aws.String(table.Name), Key: key})
	require.NoError(t, err)
	ev, err = stream.Next(c)
	require.NoError(t, err)
	require.Len(t, ev.Records, 1)
	assert.Equal(t, "REMOVE", ev.Records[0].EventName)
}
