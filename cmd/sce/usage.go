package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/sce-project/sce/internal/audit"
	"github.com/sce-project/sce/internal/outputs"
	datause "github.com/sce-project/sce/internal/usage"
)

const auditUsageUsage = "usage: sce audit usage --trail DIR|s3://BUCKET/PREFIX [--host-logs DIR] [--redshift-logs DIR] [--outputs FILE] [--researchers L1,L2] [--from T] [--to T] [--researcher L] [--dataset D] [--format table|csv|markdown|json] [--show-keys]"

// usageFlags are the flags of `sce audit usage`.
type usageFlags struct {
	trail, outputs, hostLogs, redshiftLogs, from, to, mount, region, endpoint string
	format                                                                    *string
	researchers, known, datasets                                              listFlag
	showKeys                                                                  bool
}

func (f *usageFlags) register(fs *cmdFlags) {
	fs.StringVar(&f.trail, "trail", "", "where the CloudTrail log files are, `DIR|s3://BUCKET/PREFIX`: a directory (or file), or an S3 prefix; default s3://<logBucket>/cloudtrail/ from --outputs")
	fs.StringVar(&f.hostLogs, "host-logs", "", "`DIR` of the workstation's audit logs: audit.log files (log_format = ENRICHED), or the export of its CloudWatch log group")
	fs.StringVar(&f.redshiftLogs, "redshift-logs", "", "`DIR` of Redshift's user activity logs: the useractivitylog files, or the export of their CloudWatch log group")
	fs.StringVar(&f.outputs, "outputs", "", "`FILE` of the stack outputs, saved with: pulumi stack output --json > FILE (PHI buckets, logins, log bucket, region, PIT: the data volume's mount point)")
	fs.StringVar(&f.from, "from", "", "start of the window, included: a `TIME` in RFC 3339 or YYYY-MM-DD (UTC)")
	fs.StringVar(&f.to, "to", "", "end of the window, excluded: a `TIME` in RFC 3339 or YYYY-MM-DD (UTC)")
	f.format = fs.newFormat("table", datause.Formats()...)
	fs.Var(&f.known, "researchers", "the researchers' `LOGINS` the report must name, comma-separated, each with zeros when the logs show nothing of them (added to those of --outputs)")
	fs.Var(&f.researchers, "researcher", "report only these researchers' `LOGINS`, comma-separated or repeated")
	fs.Var(&f.datasets, "dataset", "report only these `DATASETS` (data-in/incoming, redshift/cdm) or sources (data-in, output, volume, redshift), comma-separated or repeated")
	fs.StringVar(&f.mount, "mount", "", "the data volume's mount `PATH` on the workstation (default /<pit> from --outputs)")
	fs.BoolVar(&f.showKeys, "show-keys", false, "show object keys, file paths, predicate constants and unparsable queries instead of their SHA-256 or $n (they may hold PHI)")
	fs.StringVar(&f.region, "region", "", "AWS `REGION` of an S3 trail (default: region from --outputs)")
	fs.StringVar(&f.endpoint, "endpoint", "", "S3 endpoint `URL`, for an S3-compatible server (path-style addressing)")
}

// options turns the flags, and the stack outputs when given, into the report's options and inputs.
func (f *usageFlags) options() (datause.Options, datause.Inputs, error) {
	o := datause.Options{Researchers: f.researchers, Datasets: f.datasets, Known: f.known, MountPoint: f.mount, ShowKeys: f.showKeys}
	var err error
	if o.Window.From, err = audit.ParseTime("from", f.from); err != nil {
		return o, datause.Inputs{}, err
	}
	if o.Window.To, err = audit.ParseTime("to", f.to); err != nil {
		return o, datause.Inputs{}, err
	}
	if f.outputs != "" {
		outs, err := outputs.Read(f.outputs)
		if err != nil {
			return o, datause.Inputs{}, err
		}
		o.Buckets = map[string]string{}
		for name, role := range map[string]string{outputs.DataInBucket: "data-in", outputs.OutputBucket: "output", outputs.AncillaryBucket: "ancillary"} {
			if b := outs.Optional(name); b != "" {
				o.Buckets[b] = role
			}
		}
		for _, login := range outs.Logins() {
			if !slices.Contains(o.Known, login) {
				o.Known = append(o.Known, login)
			}
		}
		if pit := outs.Optional(outputs.PIT); o.MountPoint == "" && pit != "" {
			o.MountPoint = "/" + pit
		}
		if f.region == "" {
			f.region = outs.Optional(outputs.Region)
		}
		if logs := outs.Optional(outputs.LogBucket); f.trail == "" && logs != "" {
			f.trail = "s3://" + logs + "/cloudtrail/"
		}
	}
	trail, err := audit.ParseTrail(f.trail)
	if err != nil {
		return o, datause.Inputs{}, fmt.Errorf("%w\n%s", err, auditUsageUsage)
	}
	return o, datause.Inputs{Trail: trail, HostLogs: f.hostLogs, RedshiftLogs: f.redshiftLogs}, o.Validate()
}

// runAuditUsage runs `sce audit usage`: what each researcher used, per dataset, from the trail, the
// workstation's audit log and Redshift's user activity log. It exits 1 when an input log file could not
// be read (the report, printed all the same, lists it), 2 for bad flags.
func runAuditUsage(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("audit usage", "", "Report what each researcher used, per dataset: S3 objects from the trail, files of the data "+
		"volume from the workstation's audit log, Redshift tables, columns and predicates from its user activity log. "+
		"Exit status: 0 the report is complete, 1 an input log file could not be read (the report lists it) or another error, 2 bad usage.", stdout, stderr)
	var f usageFlags
	f.register(fs)
	if code, stop := fs.parse(args); stop {
		return code
	}
	if fs.NArg() > 0 {
		return fs.fail(2, "unexpected argument %q\n%s", fs.Arg(0), auditUsageUsage)
	}
	o, in, err := f.options()
	if err != nil {
		return fs.fail(2, "%v", err)
	}
	ctx := context.Background()
	if in.Trail.Bucket != "" {
		c, code := fs.trailClient(ctx, in.Trail, f.region, f.endpoint, stderr)
		if c == nil {
			return code
		}
		in.S3 = c
	}
	rep, err := datause.Build(ctx, in, o)
	if err != nil {
		return fs.fail(1, "%v", err)
	}
	if err := datause.Write(stdout, rep, *f.format); err != nil {
		return fs.fail(1, "write the report: %v", err)
	}
	fmt.Fprintf(stderr, "sce audit usage: %d summary row(s), %d object(s) and file(s), %d query(ies) (%d unparsable) from %d log file(s)\n",
		len(rep.Summary), len(rep.Items), len(rep.Queries), rep.Unparsable(), len(rep.Inputs))
	if bad := rep.InputErrors(); len(bad) > 0 {
		for _, in := range bad {
			fmt.Fprintf(stderr, "sce audit usage: input error, its events are missing from the report: %s: %s\n", in.Name, in.Error)
		}
		return 1
	}
	return 0
}
