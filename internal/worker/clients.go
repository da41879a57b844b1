package worker

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// SQS is the part of the SQS API the worker calls; *sqs.Client implements it.
type SQS interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Metrics is the part of the CloudWatch API the worker calls; *cloudwatch.Client implements it.
type Metrics interface {
	PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error)
}

// Runner runs the pipeline command.
type Runner interface {
	// Run runs c and returns when it has exited: nil when it exited 0.
	Run(ctx context.Context, c Command) error
}

// Command is one run of the pipeline.
type Command struct {
	// Args is the program and its arguments, the downloaded file's path last.
	Args []string
	// Dir is the working directory.
	Dir string
	// Env is added to the worker's own environment.
	Env []string
	// Timeout limits the run; the process and its children are killed when it is reached.
	Timeout time.Duration
}

// Clock tells the time and waits.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

// PowerOff turns the machine off.
type PowerOff interface {
	PowerOff(ctx context.Context) error
}

// Deps are the worker's clients. S3 is a client, not an interface, because the uploads go through
// internal/upload's transfer manager; tests point it at the emulator (internal/motoserver).
type Deps struct {
	SQS      SQS
	S3       *s3.Client
	Metrics  Metrics
	Runner   Runner
	Clock    Clock
	PowerOff PowerOff
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
