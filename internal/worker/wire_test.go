package worker

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sqsCall is one request the SQS stand-in received: its operation and JSON body.
type sqsCall struct {
	op   string
	body map[string]any
}

// sqsStandIn answers the AWS JSON 1.0 protocol for the three operations the worker calls: the first
// ReceiveMessage returns body, the others nothing.
type sqsStandIn struct {
	mu    sync.Mutex
	calls []sqsCall
	body  string
}

func (s *sqsStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	b, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(b, &in)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	op := r.Header.Get("X-Amz-Target")
	s.mu.Lock()
	s.calls = append(s.calls, sqsCall{op: op, body: in})
	first := op == "AmazonSQS.ReceiveMessage" && len(s.calls) == 1
	s.mu.Unlock()
	out := map[string]any{}
	if first {
		sum := md5.Sum([]byte(s.body))
		out["Messages"] = []map[string]any{{"MessageId": "m1", "ReceiptHandle": "receipt-1", "Body": s.body,
			"MD5OfBody": hex.EncodeToString(sum[:]), "Attributes": map[string]string{"ApproximateReceiveCount": "2"}}}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func TestTheWorkerSpeaksSQSsWireProtocol(t *testing.T) {
	h := newHarness(t, 5)
	stand := &sqsStandIn{body: h.put("wire/object.csv", "x")}
	srv := httptest.NewServer(stand)
	t.Cleanup(srv.Close)
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	h.cfg.Idle = 200 * time.Millisecond // the real clock: the worker stops once the stand-in has nothing more
	w, err := New(h.cfg, Deps{SQS: client, S3: h.s3.Client, Metrics: h.metrics, Runner: h.runner, Clock: SystemClock{}, PowerOff: h.power},
		slog.New(slog.NewJSONHandler(h.logs, nil)))
	require.NoError(t, err)
	out, err := w.Run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Idle, out)
	assert.Equal(t, "X", h.output("wire/object/result.txt"))
	assert.Contains(t, h.logs.String(), `"attempt":"2"`, "the receive count was asked for and read")

	stand.mu.Lock()
	defer stand.mu.Unlock()
	require.GreaterOrEqual(t, len(stand.calls), 3)
	receive := stand.calls[0]
	assert.Equal(t, "AmazonSQS.ReceiveMessage", receive.op)
	assert.Equal(t, map[string]any{"QueueUrl": testQueueURL, "MaxNumberOfMessages": 1.0, "WaitTimeSeconds": 20.0,
		"VisibilityTimeout": 300.0, "MessageSystemAttributeNames": []any{"ApproximateReceiveCount"}}, receive.body)
	assert.Equal(t, sqsCall{op: "AmazonSQS.DeleteMessage", body: map[string]any{"QueueUrl": testQueueURL, "ReceiptHandle": "receipt-1"}},
		stand.calls[1], "the message is deleted right after its results are uploaded")
	for _, c := range stand.calls[2:] {
		assert.Equal(t, "AmazonSQS.ReceiveMessage", c.op)
	}
}
