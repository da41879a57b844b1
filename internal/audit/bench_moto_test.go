package audit

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/motoserver"
)

// BenchmarkS3Trail30Days reads a generated trail of 30 days × 24 log files a day (720 files of 50 data
// events each) from moto for a 30-day window, one file at a time and 16 at a time, through a proxy that
// answers as moto does and with 20 ms added to each request (a round trip to S3 from outside its
// region). Measured on the project's 2-core build machine (go test -run x -bench S3Trail30Days
// -benchtime 1x ./internal/audit, two runs, the machine shared with other builds), in seconds per
// report:
//
//	latency  concurrency 1  concurrency 16
//	0 ms     7.6–7.8        6.0–6.1
//	20 ms    22.7–23.3      5.2–6.7
//
// With 20 ms a request, one file at a time (as the report read S3 before) spends 720 round trips on the
// downloads alone; 16 at a time leave moto's own answers (a few milliseconds each, from one Python
// process) and the decoding of the 36,000 records as the larger part. The listing asks for the 31 days
// the window's files can be in (its 30 days and the day after, for late deliveries), never the whole
// prefix.
func BenchmarkS3Trail30Days(b *testing.B) {
	srv := moto.Need(b)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	files := audittest.Generate(b, start, 30, 24, 50)
	bucket := srv.Bucket(b, "hipaa-logs", false)
	admin := motoserver.S3(srv.Config())
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	for key, data := range files {
		g.Go(func() error {
			_, err := admin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cloudtrail/" + key), Body: bytes.NewReader(data)})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	p := srv.Proxy(b)
	client := motoserver.S3(p.Config())
	trail := Trail{Bucket: bucket, Prefix: "cloudtrail/"}
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		for _, concurrency := range []int{1, DefaultConcurrency} {
			b.Run(fmt.Sprintf("latency=%s/concurrency=%d", latency, concurrency), func(b *testing.B) {
				p.SetLatency(latency)
				o := Options{Window: Window{From: start, To: start.AddDate(0, 0, 30)}, Concurrency: concurrency,
					Buckets: []string{audittest.DataIn}, Now: start.AddDate(0, 1, 0)}
				for b.Loop() {
					rep, err := Build(context.Background(), trail, client, o)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Files != len(files) || len(rep.Rows) != len(files)*50 {
						b.Fatalf("read %d files and %d events, want %d and %d", rep.Files, len(rep.Rows), len(files), len(files)*50)
					}
				}
			})
		}
	}
}
