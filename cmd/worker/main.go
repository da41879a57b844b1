// Command worker is the worker of the scale-out pool: on each instance of the pool's Auto Scaling group
// it takes objects from the processing queue, runs the pipeline on each, uploads the results with SSE-KMS,
// and stops (powering the instance off with --shutdown) when no work has come for the idle timeout. See
// internal/worker for the loop and `worker -h` for the flags and their environment variables.
//
// Exit codes: 0 when it stopped (a signal, or idle), 1 on a failure, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sce-project/sce/internal/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the configuration, builds the AWS clients and runs the worker; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := worker.ParseConfig(args, getenv, stderr)
	if errors.Is(err, worker.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "worker: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		fmt.Fprintf(stderr, "worker: load AWS configuration: %v\n", err)
		return 1
	}
	w, err := worker.New(cfg, worker.Deps{
		SQS:      sqs.NewFromConfig(awsCfg),
		S3:       s3.NewFromConfig(awsCfg),
		Metrics:  cloudwatch.NewFromConfig(awsCfg),
		Runner:   worker.ExecRunner{Stdout: stdout, Stderr: stderr},
		Clock:    worker.SystemClock{},
		PowerOff: worker.Systemctl{},
	}, log)
	if err != nil {
		fmt.Fprintf(stderr, "worker: %v\n", err)
		return 1
	}
	outcome, err := w.Run(ctx)
	if err != nil {
		log.Error("worker failed", "error", err.Error())
		return 1
	}
	log.Info("worker exiting", "outcome", outcome.String())
	return 0
}
