package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// fakeClock is a clock that moves only when told to: the worker's timing (heartbeats, retry delays, the
// idle timeout) is tested in fake time, so that a test of fifteen idle minutes takes milliseconds.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters map[*clockWaiter]bool
}

type clockWaiter struct {
	at time.Time
	ch chan struct{}
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), waiters: map[*clockWaiter]bool{}}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	w := &clockWaiter{at: c.now.Add(d), ch: make(chan struct{})}
	if d <= 0 {
		c.mu.Unlock()
		return nil
	}
	c.waiters[w] = true
	c.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.waiters, w)
		c.mu.Unlock()
		return ctx.Err()
	}
}

// Advance moves the clock on and wakes the sleepers whose time has come.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for w := range c.waiters {
		if !w.at.After(c.now) {
			close(w.ch)
			delete(c.waiters, w)
		}
	}
}

// waiters returns the number of goroutines sleeping.
func (c *fakeClock) sleepers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// blockUntilSleepers waits (in real time, at most five seconds) until n goroutines sleep on the clock.
func (c *fakeClock) blockUntilSleepers(t *testing.T, n int) {
	t.Helper()
	eventually(t, func() bool { return c.sleepers() >= n }, "%d sleepers on the clock", n)
}

// eventually polls cond in real time for up to five seconds.
func eventually(t *testing.T, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for "+format, args...)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeMessage is one message of the fake queue.
type fakeMessage struct {
	id, body  string
	receipt   string
	visibleAt time.Time
	receives  int
	deleted   bool
}

// visibilityChange is one ChangeMessageVisibility call that succeeded.
type visibilityChange struct {
	id      string
	timeout time.Duration
	at      time.Time
}

// fakeQueue is an in-memory SQS queue with visibility timeouts, receive counts and a redrive policy: a
// message received maxReceives times goes to the dead-letter queue on the next receive that would
// return it, as SQS does. It stays, next to the emulator tests (worker_moto_test.go), because it follows
// fakeClock: the worker's own timing (a heartbeat every third of the visibility timeout, the retry delay,
// the idle stop after fifteen minutes) is tested in fake time, which no emulator offers. Where it and
// SQS could differ, it follows SQS's documentation (docs/testing.md): a delete with a receipt handle that
// is no longer the message's latest succeeds and deletes nothing, as DeleteMessage's reference allows
// and moto does; a visibility change of a message no longer in flight fails with MessageNotInflight, one
// of ChangeMessageVisibility's documented errors (moto 5.2.1 accepts it and hides the message again).
type fakeQueue struct {
	mu                sync.Mutex
	url               string
	clock             *fakeClock
	maxReceives       int
	defaultVisibility time.Duration
	// advanceWhenEmpty makes a receive that finds nothing move the clock on by its wait time, as a long
	// poll on an empty queue would take; otherwise it returns after a millisecond of real time.
	advanceWhenEmpty bool
	failReceives     int
	// beforeChange, when set, runs at the start of each ChangeMessageVisibility call.
	beforeChange func(in *sqs.ChangeMessageVisibilityInput)

	messages []*fakeMessage
	dlq      []*fakeMessage
	receipts int
	issued   map[string]*fakeMessage // every receipt handle given out, and its message
	inputs   []sqs.ReceiveMessageInput
	changes  []visibilityChange
	deletes  map[string]int
}

func newFakeQueue(clock *fakeClock, maxReceives int) *fakeQueue {
	return &fakeQueue{url: testQueueURL, clock: clock, maxReceives: maxReceives, defaultVisibility: 30 * time.Second, deletes: map[string]int{},
		issued: map[string]*fakeMessage{}}
}

// send adds a message, visible after delay.
func (q *fakeQueue) send(body string, delay time.Duration) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := "m" + strconv.Itoa(len(q.messages)+1)
	q.messages = append(q.messages, &fakeMessage{id: id, body: body, visibleAt: q.clock.Now().Add(delay)})
	return id
}

func (q *fakeQueue) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	if aws.ToString(in.QueueUrl) != q.url {
		return nil, fmt.Errorf("AWS.SimpleQueueService.NonExistentQueue: %s", aws.ToString(in.QueueUrl))
	}
	if in.MaxNumberOfMessages < 1 || in.MaxNumberOfMessages > 10 || in.WaitTimeSeconds < 0 || in.WaitTimeSeconds > 20 ||
		in.VisibilityTimeout < 0 || in.VisibilityTimeout > 43200 {
		return nil, errors.New("InvalidParameterValue")
	}
	now := q.clock.Now()
	q.mu.Lock()
	q.inputs = append(q.inputs, *in)
	if q.failReceives > 0 {
		q.failReceives--
		q.mu.Unlock()
		return nil, errors.New("operation error SQS: ReceiveMessage, https response error StatusCode: 500, InternalError")
	}
	for _, m := range q.messages {
		if m.deleted || m.visibleAt.After(now) {
			continue
		}
		if q.maxReceives > 0 && m.receives >= q.maxReceives {
			m.deleted = true
			q.dlq = append(q.dlq, m)
			continue
		}
		m.receives++
		q.receipts++
		m.receipt = fmt.Sprintf("%s-receipt-%d", m.id, q.receipts)
		q.issued[m.receipt] = m
		vis := q.defaultVisibility
		if in.VisibilityTimeout > 0 {
			vis = time.Duration(in.VisibilityTimeout) * time.Second
		}
		m.visibleAt = now.Add(vis)
		out := sqstypes.Message{MessageId: aws.String(m.id), ReceiptHandle: aws.String(m.receipt), Body: aws.String(m.body),
			Attributes: map[string]string{"ApproximateReceiveCount": strconv.Itoa(m.receives)}}
		q.mu.Unlock()
		return &sqs.ReceiveMessageOutput{Messages: []sqstypes.Message{out}}, nil
	}
	q.mu.Unlock()
	if q.advanceWhenEmpty {
		q.clock.Advance(time.Duration(in.WaitTimeSeconds) * time.Second)
	} else {
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return &sqs.ReceiveMessageOutput{}, nil
}

// current returns the message whose latest receipt is receipt.
func (q *fakeQueue) current(receipt string) *fakeMessage {
	for _, m := range q.messages {
		if !m.deleted && m.receipt == receipt {
			return m
		}
	}
	return nil
}

func (q *fakeQueue) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	receipt := aws.ToString(in.ReceiptHandle)
	if aws.ToString(in.QueueUrl) != q.url || q.issued[receipt] == nil {
		return nil, errors.New("ReceiptHandleIsInvalid")
	}
	m := q.current(receipt)
	if m == nil {
		return &sqs.DeleteMessageOutput{}, nil // an old receipt: accepted, nothing deleted
	}
	m.deleted = true
	q.deletes[m.id]++
	return &sqs.DeleteMessageOutput{}, nil
}

func (q *fakeQueue) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	if q.beforeChange != nil {
		q.beforeChange(in)
	}
	now := q.clock.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	m := q.current(aws.ToString(in.ReceiptHandle))
	if aws.ToString(in.QueueUrl) != q.url || m == nil {
		return nil, errors.New("ReceiptHandleIsInvalid")
	}
	if !m.visibleAt.After(now) {
		return nil, errors.New("MessageNotInflight")
	}
	if in.VisibilityTimeout < 0 || in.VisibilityTimeout > 43200 {
		return nil, errors.New("InvalidParameterValue")
	}
	d := time.Duration(in.VisibilityTimeout) * time.Second
	m.visibleAt = now.Add(d)
	q.changes = append(q.changes, visibilityChange{id: m.id, timeout: d, at: now})
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

// visible returns the number of messages a receive could return now.
func (q *fakeQueue) visible() int {
	now := q.clock.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, m := range q.messages {
		if !m.deleted && !m.visibleAt.After(now) {
			n++
		}
	}
	return n
}

// remaining returns the number of messages neither deleted nor moved to the dead-letter queue.
func (q *fakeQueue) remaining() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, m := range q.messages {
		if !m.deleted {
			n++
		}
	}
	return n
}

func (q *fakeQueue) deadLetters() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var ids []string
	for _, m := range q.dlq {
		ids = append(ids, m.id)
	}
	return ids
}

func (q *fakeQueue) deleteCounts() map[string]int {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := map[string]int{}
	for k, v := range q.deletes {
		out[k] = v
	}
	return out
}

func (q *fakeQueue) visibilityChanges() []visibilityChange {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]visibilityChange(nil), q.changes...)
}

func (q *fakeQueue) receiveInputs() []sqs.ReceiveMessageInput {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]sqs.ReceiveMessageInput(nil), q.inputs...)
}

// fakeMetrics records PutMetricData calls. The emulator tests use it too: moto 5.2.1 does not speak the
// RPCv2 CBOR protocol the SDK's CloudWatch client sends.
type fakeMetrics struct {
	mu     sync.Mutex
	inputs []cloudwatch.PutMetricDataInput
}

func (m *fakeMetrics) PutMetricData(_ context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inputs = append(m.inputs, *in)
	return &cloudwatch.PutMetricDataOutput{}, nil
}

// counts returns the sum of each metric's values.
func (m *fakeMetrics) counts() map[string]float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]float64{}
	for _, in := range m.inputs {
		for _, d := range in.MetricData {
			out[aws.ToString(d.MetricName)] += aws.ToFloat64(d.Value)
		}
	}
	return out
}

// fakeRunner runs a Go function in place of the pipeline and records every run.
type fakeRunner struct {
	mu   sync.Mutex
	runs []Command
	fn   func(ctx context.Context, c Command) error
}

func (r *fakeRunner) Run(ctx context.Context, c Command) error {
	r.mu.Lock()
	r.runs = append(r.runs, c)
	r.mu.Unlock()
	return r.fn(ctx, c)
}

func (r *fakeRunner) commands() []Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Command(nil), r.runs...)
}

// fakePower counts power-offs.
type fakePower struct {
	mu    sync.Mutex
	calls int
}

func (p *fakePower) PowerOff(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	return nil
}

func (p *fakePower) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
