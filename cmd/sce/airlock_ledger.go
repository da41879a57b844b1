package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sce-project/sce/internal/airlock"
	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/egress"
	"github.com/sce-project/sce/internal/outputs"
)

// airlockTargetFlags are the flags that say where a deployed stack's airlock is.
type airlockTargetFlags struct {
	outputs, stack, table, bucket, kmsKey, region, s3Endpoint *string
}

// addTargetFlags registers the flags that locate the airlock on a command's flag set.
func addTargetFlags(fs *cmdFlags) airlockTargetFlags {
	return airlockTargetFlags{
		outputs:    fs.String("outputs", "", "`FILE` of the stack outputs, saved with: pulumi stack output --json > FILE (ledgerTable, outputBucket, kmsKeyArn, region)"),
		stack:      fs.String("stack", "", "the stack's `PIT`; checked against the outputs"),
		table:      fs.String("table", "", "the ledger `TABLE`, instead of the output ledgerTable"),
		bucket:     fs.String("bucket", "", "the output `BUCKET`, instead of the output outputBucket"),
		kmsKey:     fs.String("kms-key", "", "the project key's `ARN`, instead of the output kmsKeyArn"),
		region:     fs.String("region", "", "AWS `REGION` (default: the output region, else the key's)"),
		s3Endpoint: fs.String("s3-endpoint", "", "S3 endpoint `URL`, for an S3-compatible server (path-style addressing)"),
	}
}

// client builds the airlock client from the flags and the AWS configuration of the environment.
func (f airlockTargetFlags) client(ctx context.Context, stderr io.Writer) (*egress.Client, error) {
	t := egress.Target{Table: *f.table, Bucket: *f.bucket, KMSKeyARN: *f.kmsKey}
	region := *f.region
	if *f.outputs != "" {
		outs, err := readOutputs(*f.outputs, *f.stack)
		if err != nil {
			return nil, err
		}
		if err := outs.CheckStack(*f.stack); err != nil {
			return nil, err
		}
		fillFromOutputs(outs, fromOutput{&t.Table, outputs.LedgerTable}, fromOutput{&t.Bucket, outputs.OutputBucket},
			fromOutput{&t.KMSKeyARN, outputs.KMSKeyARN}, fromOutput{&region, outputs.Region})
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if region == "" {
		region = regionOfARN(t.KMSKeyARN)
	}
	cfg, err := loadAWS(ctx, region, stderr)
	if err != nil {
		return nil, err
	}
	return egress.New(t, dynamodb.NewFromConfig(cfg), s3WithEndpoint(cfg, *f.s3Endpoint), sts.NewFromConfig(cfg))
}

// open builds the airlock client for `sce airlock <command>`. When it cannot (the outputs, the flags or
// the credentials are not usable) it says why on stderr and returns nil: the command exits 2.
func (f airlockTargetFlags) open(ctx context.Context, command string, stderr io.Writer) *egress.Client {
	c, err := f.client(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock %s: %v\n", command, err)
		return nil
	}
	return c
}

// runAirlockRequest runs `sce airlock request FILE... --why TEXT`: the checks, the upload into the outbox
// and the request. Exit 0 when recorded, 1 when it could not be, 2 for a usage error.
func runAirlockRequest(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("airlock request", "FILE...", "Ask for results to leave the SCE (on the workstation, as yourself): the checks, "+
		"the files uploaded into the outbox, and the request recorded for two reviewers.", stdout, stderr)
	why := fs.String("why", "", "why these results should leave the SCE, a `TEXT` the reviewers read (required)")
	target := addTargetFlags(fs)
	opts := addCheckFlags(fs)
	progress := fs.Bool("progress", false, "draw the upload's progress bar even when stderr is not a terminal")
	files, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	if len(files) == 0 || strings.TrimSpace(*why) == "" {
		fmt.Fprintln(stderr, "usage: sce airlock request FILE... --why TEXT [--outputs FILE | --table T --bucket B --kms-key ARN] [check options]")
		return 2
	}
	o, err := opts.options()
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock request: %v\n", err)
		return 2
	}
	ctx := context.Background()
	c := target.open(ctx, "request", stderr)
	if c == nil {
		return 2
	}
	in := egress.RequestInput{Files: files, Why: *why, Checks: o}
	if *progress || isTerminal(stderr) {
		in.Progress = stderr
	}
	sub, err := c.Submit(ctx, in)
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock request: %v\n", err)
		return 1
	}
	for _, f := range sub.Report.Findings {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintf(stdout, "request %s recorded: %d file(s) in s3://%s/%s%s/, %d finding(s) flagged\n", sub.Request.ID(), len(sub.Request.Files),
		sub.Request.Bucket, ledger.OutboxPrefix, sub.Request.ID(), sub.Request.Flagged)
	for _, f := range sub.Request.Files {
		fmt.Fprintf(stdout, "  %s  %s  %d bytes\n", f.SHA256, f.Name, f.Size)
	}
	fmt.Fprintf(stdout, "Two reviewers must approve it; `sce airlock show %s` follows it. Changing a file now refuses its release.\n", sub.Request.ID())
	return 0
}

// runAirlockList runs `sce airlock list [--all]`: the pending requests, or every one.
func runAirlockList(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("airlock list", "", "List the pending egress requests, or every one.", stdout, stderr)
	all := fs.Bool("all", false, "list closed requests too (rejected, released, refused)")
	target := addTargetFlags(fs)
	if code, stop := fs.parse(args); stop {
		return code
	}
	if fs.NArg() > 0 {
		return fs.usageError("unexpected argument %q", fs.Arg(0))
	}
	ctx := context.Background()
	c := target.open(ctx, "list", stderr)
	if c == nil {
		return 2
	}
	entries, err := c.List(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock list: %v\n", err)
		return 1
	}
	writeIndex(stdout, entries, *all)
	return 0
}

// writeIndex prints index entries as a table.
func writeIndex(w io.Writer, entries []ledger.IndexEntry, all bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST\tSTATUS\tAPPROVALS\tFILES\tFLAGGED\tREQUESTED\tREQUESTER")
	n := 0
	for _, e := range entries {
		if !all && e.Status.Closed() {
			continue
		}
		n++
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", e.Version, e.Status, e.Approvals, e.Files, e.Flagged, e.RequestedAt, e.Requester)
	}
	_ = tw.Flush()
	if n == 0 {
		fmt.Fprintln(w, "no requests")
	}
}

// runAirlockShow runs `sce airlock show ID [--fetch DIR]`.
func runAirlockShow(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("airlock show", "ID", "Show an egress request, its checks and its reviews.", stdout, stderr)
	fetch := fs.String("fetch", "", "download the request's files into `DIR` and check their hashes (on the workstation: the outbox is read through the project's S3 endpoint only)")
	target := addTargetFlags(fs)
	ids, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	if len(ids) != 1 {
		fmt.Fprintln(stderr, "usage: sce airlock show ID [--fetch DIR] [--outputs FILE | --table T --bucket B --kms-key ARN]")
		return 2
	}
	ctx := context.Background()
	c := target.open(ctx, "show", stderr)
	if c == nil {
		return 2
	}
	d, err := c.Show(ctx, ids[0])
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock show: %v\n", err)
		return 1
	}
	writeDetails(stdout, d)
	if *fetch != "" {
		paths, err := c.Fetch(ctx, ids[0], *fetch)
		for _, p := range paths {
			fmt.Fprintf(stdout, "fetched %s (hash checked)\n", p)
		}
		if err != nil {
			fmt.Fprintf(stderr, "sce airlock show: %v\n", err)
			return 1
		}
	}
	return 0
}

// writeDetails prints a request: what is asked, the checks, the decisions, the release and the history.
func writeDetails(w io.Writer, d egress.Details) {
	e := d.Entry
	fmt.Fprintf(w, "request   %s\nstatus    %s (%d approval(s))\nrequester %s\nrequested %s\n", e.Version, e.Status, e.Approvals, e.Requester, e.RequestedAt)
	if r := d.Record; r != nil {
		fmt.Fprintf(w, "why       %s\nreviewers %s\nfiles\n", r.Why, strings.Join(r.Reviewers, ", "))
		for _, f := range r.Files {
			fmt.Fprintf(w, "  %s  %s  %d bytes  (%s)\n", f.SHA256, f.Name, f.Size, f.Key)
		}
		fmt.Fprintf(w, "checks    %d finding(s) flagged\n", r.Flagged)
		writeChecks(w, r.Checks)
	}
	for _, dec := range d.Decisions {
		fmt.Fprintf(w, "decision  %s by %s (%s) at %s", dec.Decision, dec.Reviewer, ledger.Session(dec.ReviewerUserID), dec.ReviewedAt)
		if dec.Comment != "" {
			fmt.Fprintf(w, ": %s", dec.Comment)
		}
		fmt.Fprintln(w)
	}
	if rel := d.Release; rel != nil {
		fmt.Fprintf(w, "release   %s", rel.Status)
		if rel.Reason != "" {
			fmt.Fprintf(w, ": %s", rel.Reason)
		}
		fmt.Fprintln(w)
		for _, f := range rel.Files {
			fmt.Fprintf(w, "  %s  %s (version %s)\n", f.SHA256, f.Key, f.VersionID)
		}
		if rel.RecordKey != "" {
			fmt.Fprintf(w, "  record %s\n", rel.RecordKey)
		}
	}
	sort.Slice(d.Events, func(i, j int) bool { return d.Events[i].Version < d.Events[j].Version })
	for _, ev := range d.Events {
		fmt.Fprintf(w, "history   %s %s by %s\n", ev.At, ev.Kind, ev.Actor)
	}
}

// writeChecks prints the recorded report's findings, one a line, as `sce airlock check` does.
func writeChecks(w io.Writer, checks string) {
	rep, err := airlock.ParseReport(checks)
	if err != nil {
		fmt.Fprintf(w, "  (the report cannot be read: %v)\n", err)
		return
	}
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "  %s\n", f)
	}
	if rep.Omitted > 0 {
		fmt.Fprintf(w, "  ... and %d more (fetch the files and run sce airlock check for all)\n", rep.Omitted)
	}
}

// runAirlockReview runs `sce airlock approve ID [--comment TEXT]` and `sce airlock reject ID --reason TEXT`.
func runAirlockReview(decision ledger.Decision, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("airlock "+string(decision), "ID", "Record your review of an egress request, as a reviewer ("+string(decision)+").", stdout, stderr)
	comment := fs.String("comment", "", "a comment `TEXT` kept with your decision")
	reason := fs.String("reason", "", "why you reject the request, a `TEXT` (required to reject)")
	target := addTargetFlags(fs)
	ids, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	if len(ids) != 1 {
		fmt.Fprintf(stderr, "usage: sce airlock %s ID [--comment TEXT | --reason TEXT] [--outputs FILE | --table T --bucket B --kms-key ARN]\n", decision)
		return 2
	}
	text := *comment
	if decision == ledger.Reject {
		text = *reason
	}
	ctx := context.Background()
	c := target.open(ctx, string(decision), stderr)
	if c == nil {
		return 2
	}
	rv, err := c.Review(ctx, egress.ReviewInput{ID: ids[0], Decision: decision, Comment: text})
	if err != nil {
		fmt.Fprintf(stderr, "sce airlock %s: %v\n", decision, err)
		return 1
	}
	fmt.Fprintf(stdout, "your decision (%s) on %s is recorded for %d file(s); the release function judges it and notifies the topic\n", rv.Decision, rv.Version, len(rv.Files))
	return 0
}
