package audit

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sce-project/sce/internal/audit/audittest"
	"github.com/sce-project/sce/internal/s3test"
)

// BenchmarkS3Trail30Days reads a generated trail of 30 days × 24 log files a day (720 files of 50 data
// events each) from the fake S3 of internal/s3test for a 30-day window, one file at a time and 16 at a
// time, with the fake answering at once and with 20 ms added to each request (a round trip to S3 from
// outside its region). Measured on the project's 2-core build machine (go test -bench S3Trail30Days
// -benchtime 3x ./internal/audit), in seconds per report:
//
//	latency  concurrency 1  concurrency 16
//	0 ms     1.32           0.89
//	20 ms    17.5           2.19
//
// With 20 ms a request, one file at a time (as the report read S3 before) spends 720 round trips on the
// downloads alone; 16 at a time leave the decoding of the 36,000 records (about 0.9 s on two cores) as
// the larger part. The listing asks for the 31 days the window's files can be in (its 30 days and the
// day after, for late deliveries), never the whole prefix.
func BenchmarkS3Trail30Days(b *testing.B) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	files := audittest.Generate(b, start, 30, 24, 50)
	srv := s3test.Start(b, "hipaa-logs-9c0d1e2f")
	for key, data := range files {
		_, err := srv.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("hipaa-logs-9c0d1e2f"),
			Key: aws.String("cloudtrail/" + key), Body: bytes.NewReader(data)})
		if err != nil {
			b.Fatal(err)
		}
	}
	trail := Trail{Bucket: "hipaa-logs-9c0d1e2f", Prefix: "cloudtrail/"}
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		for _, concurrency := range []int{1, DefaultConcurrency} {
			b.Run(fmt.Sprintf("latency=%s/concurrency=%d", latency, concurrency), func(b *testing.B) {
				srv.SetLatency(latency)
				o := Options{Window: Window{From: start, To: start.AddDate(0, 0, 30)}, Concurrency: concurrency,
					Buckets: []string{audittest.DataIn}, Now: start.AddDate(0, 1, 0)}
				for b.Loop() {
					rep, err := Build(context.Background(), trail, srv.Client, o)
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
