package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/audit"
	"github.com/sce-project/sce/internal/outputs"
	"github.com/sce-project/sce/internal/textsafe"
)

const auditUsage = "usage: sce audit report --trail DIR|s3://BUCKET/PREFIX [--outputs FILE] [--from T] [--to T] [--format table|csv|markdown] [--buckets B1,B2] [--vpc-endpoint vpce-...] [--known-principals ARN,PATTERN] [--show-keys]\n" +
	"exit status: 0 no event flagged, 3 some event flagged (the report is printed), 1 an error or an incomplete report (no log files, an unreadable one), 2 bad usage"

// exitFindings is the exit status of a complete report that flags at least one event, so that a scheduled
// job can alert on it (auditUsage states it; a test keeps the two equal).
const exitFindings = 3

// listFlag is a repeatable flag of comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// runAudit runs `sce audit report` (below) or `sce audit usage` (usage.go). `sce audit report`: every data event on the PHI buckets in a time window, from the
// CloudTrail log files in a directory or in S3, with the anomalies flagged.
func runAudit(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "usage" {
		return runAuditUsage(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "report" {
		fmt.Fprintln(stderr, auditUsage+"\n"+auditUsageUsage)
		return 2
	}
	fs := newFlags("audit report", "", "Report every data event on the PHI buckets (who, what, when, from where, allowed or denied) "+
		"from the CloudTrail log files in a directory or in S3, with the anomalies flagged. Exit status: 0 no event flagged, "+
		"3 some event flagged (the report is printed), 1 an error or an incomplete report (no log files, an unreadable one), 2 bad usage.", stdout, stderr)
	trailFlag := fs.String("trail", "", "where the CloudTrail log files are, `DIR|s3://BUCKET/PREFIX`: a directory (or file), or an S3 prefix; default s3://<logBucket>/cloudtrail/ from --outputs")
	outputsFile := fs.String("outputs", "", "`FILE` of the stack outputs, saved with: pulumi stack output --json > FILE (the PHI buckets, s3EndpointId, logBucket, region)")
	from := fs.String("from", "", "start of the window, included: a `TIME` in RFC 3339 or YYYY-MM-DD (UTC)")
	to := fs.String("to", "", "end of the window, excluded: a `TIME` in RFC 3339 or YYYY-MM-DD (UTC)")
	format := fs.newFormat("table", audit.Formats()...)
	var buckets, known listFlag
	fs.Var(&buckets, "buckets", "PHI `BUCKETS` to report on, comma-separated (default: dataInBucket, outputBucket, ancillaryBucket from --outputs; else every bucket)")
	fs.Var(&known, "known-principals", "`ARNS` or patterns (* and ?) of the principals expected, comma-separated, besides knownPrincipals from --outputs; others are flagged")
	endpoint := fs.String("vpc-endpoint", "", "the project's S3 endpoint `ID`, vpce-... (default: s3EndpointId from --outputs); other access is flagged")
	showKeys := fs.Bool("show-keys", false, "show object keys instead of their SHA-256 (keys may hold PHI by mistake)")
	region := fs.String("region", "", "AWS `REGION` of an S3 trail (default: region from --outputs)")
	s3Endpoint := fs.String("endpoint", "", "S3 endpoint `URL`, for an S3-compatible server (path-style addressing)")
	if code, stop := fs.parse(args[1:]); stop {
		return code
	}
	if fs.NArg() > 0 {
		return fs.fail(2, "unexpected argument %q\n%s", fs.Arg(0), auditUsage)
	}
	if !slices.Contains(audit.Formats(), *format) {
		return fs.fail(2, "--format %q: want one of %s", *format, strings.Join(audit.Formats(), ", "))
	}

	var err error
	opts := audit.Options{Buckets: buckets, KnownPrincipals: known, VPCEndpoint: *endpoint, ShowKeys: *showKeys}
	if opts.Window.From, err = audit.ParseTime("from", *from); err != nil {
		return fs.fail(2, "%v", err)
	}
	if opts.Window.To, err = audit.ParseTime("to", *to); err != nil {
		return fs.fail(2, "%v", err)
	}
	if *outputsFile != "" {
		outs, err := outputs.Read(*outputsFile)
		if err != nil {
			return fs.fail(1, "%v", err)
		}
		if err := audit.ApplyOutputs(outs, &opts, trailFlag, region); err != nil {
			return fs.fail(1, "%v", err)
		}
	}
	trail, err := audit.ParseTrail(*trailFlag)
	if err != nil {
		return fs.fail(2, "%v\n%s", err, auditUsage)
	}
	if err := opts.Validate(); err != nil {
		return fs.fail(2, "%v", err)
	}

	if isTerminal(stderr) {
		opts.Progress = stderr
	}
	ctx := context.Background()
	var client audit.S3API
	if trail.Bucket != "" {
		c, code := fs.trailClient(ctx, trail, *region, *s3Endpoint, stderr)
		if c == nil {
			return code
		}
		client = c
	}
	rep, err := audit.Build(ctx, trail, client, opts)
	if err != nil {
		return fs.fail(1, "%v", err)
	}
	if err := audit.Write(stdout, rep, *format); err != nil {
		return fs.fail(1, "write the report: %v", err)
	}
	fmt.Fprintf(stderr, "sce audit report: %d data event(s) from %d log file(s), %d flagged\n", len(rep.Rows), rep.Files, rep.Flagged())
	if len(rep.Problems) > 0 {
		for _, p := range rep.Problems {
			fmt.Fprintf(stderr, "sce audit report: unreadable log file, its events are missing from the report: %s\n", textsafe.Text(p))
		}
		return 1
	}
	if n := rep.Flagged(); n > 0 {
		fmt.Fprintf(stderr, "sce audit report: %d flagged event(s) need a look (exit status %d)\n", n, exitFindings)
		return exitFindings
	}
	return 0
}
