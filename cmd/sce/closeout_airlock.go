package main

import (
	"context"
	"fmt"
	"io"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/closeout"
)

// pendingLister lists the airlock's requests; the deployed table's, or a test's.
type pendingLister func(ctx context.Context) ([]ledger.IndexEntry, error)

// airlockLister reads the deployed ledger's index with the caller's credentials, from the stack's outputs;
// nil without outputs (offline).
func airlockLister(outputsFile, stack string) pendingLister {
	if outputsFile == "" {
		return nil
	}
	return func(ctx context.Context) ([]ledger.IndexEntry, error) {
		empty := ""
		f := airlockTargetFlags{outputs: &outputsFile, stack: &stack, table: &empty, bucket: &empty, kmsKey: &empty, region: &empty, s3Endpoint: &empty}
		c, err := f.client(ctx, io.Discard)
		if err != nil {
			return nil, err
		}
		return c.List(ctx)
	}
}

// writeAirlockCloseout says what close-out does with the airlock: its records stay (the ledger table and
// the output bucket are kept, which Analyze checks), the release function goes, so pending requests must
// be decided first; and it lists them when the deployed table can be read. It never fails the close-out:
// a table it cannot read is reported with the command that lists the requests.
func writeAirlockCloseout(ctx context.Context, w io.Writer, rep closeout.Report, list pendingLister) error {
	p := func(format string, args ...any) error {
		_, err := fmt.Fprintf(w, format, args...)
		return err
	}
	if rep.LedgerTable == "" {
		return nil
	}
	output := rep.Buckets["output"]
	if err := p("\nThe airlock (docs/airlock.md): its records are kept.\n"+
		"  - Every request, review, decision, release and step is an item of the upload ledger table %s, which outlives the stack\n"+
		"    (retained, point-in-time recovery on) and is exported to the log bucket above.\n"+
		"  - The released files and their release records stay under s3://%s/%s<request>/, the requested files under %s<request>/:\n"+
		"    the output bucket is kept, and its policy still lets nothing but released/ be read from outside the VPC.\n"+
		"  - `pulumi destroy` deletes the release function: after it nothing can be released. Decide the pending requests first.\n",
		rep.LedgerTable, output, ledger.ReleasedPrefix, ledger.OutboxPrefix); err != nil {
		return err
	}
	if list == nil {
		return p("Pending requests: not known offline; list them before the destroy with `sce airlock list --outputs outputs.json`.\n")
	}
	entries, err := list(ctx)
	if err != nil {
		return p("Pending requests: the ledger could not be read (%v); list them with `sce airlock list --outputs FILE`.\n", err)
	}
	var pending []ledger.IndexEntry
	for _, e := range entries {
		if !e.Status.Closed() {
			pending = append(pending, e)
		}
	}
	if len(pending) == 0 {
		return p("Pending requests: none (%d request(s) in all, each rejected, released or refused).\n", len(entries))
	}
	if err := p("Pending requests (%d): review them now, or they stay unreleased with their records:\n", len(pending)); err != nil {
		return err
	}
	for _, e := range pending {
		if err := p("  %s  %s  %d approval(s)  %d file(s)  by %s\n", e.Version, e.Status, e.Approvals, e.Files, e.Requester); err != nil {
			return err
		}
	}
	return nil
}
