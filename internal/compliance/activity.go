package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/usage"
	"github.com/sce-project/sce/policy/engine"
)

// activityParagraphs are the paragraphs the usage report answers: audit controls that record and examine
// activity, and the review of information system activity.
var activityParagraphs = []string{"164.312(b)", "164.308(a)(1)(ii)(D)"}

// activitySource is one log the usage report reads: where the plan keeps it, who it names, what the
// report draws from it.
type activitySource struct {
	log, kept, person, reports string
}

// activitySources finds, in the plan, the logs `sce audit usage` reads and where each is kept.
func activitySources(s *engine.Stack) []activitySource {
	var trails []string
	for _, t := range s.OfType("aws:cloudtrail/trail:Trail") {
		bucket, _ := t.Props["s3BucketName"].(string)
		prefix, _ := t.Props["s3KeyPrefix"].(string)
		trails = append(trails, fmt.Sprintf("`%s` into `s3://%s/%s/`", t.Name, bucket, prefix))
	}
	var hosts []string
	for _, i := range s.OfType("aws:ec2/instance:Instance") {
		ud, _ := i.Props["userData"].(string)
		if !strings.Contains(ud, "-k "+usage.DataVolumeKey) {
			continue
		}
		where := "its audit log"
		for _, g := range logGroups(s, "") {
			if strings.Contains(ud, `"log_group_name": "`+g+`"`) && strings.Contains(ud, "/var/log/audit/audit.log") {
				where = "`/var/log/audit/audit.log`, shipped to `" + g + "`"
			}
		}
		hosts = append(hosts, fmt.Sprintf("`%s`: watch on the data volume, key `%s`; %s", i.Name, usage.DataVolumeKey, where))
	}
	redshift := logGroups(s, "/useractivitylog")
	return []activitySource{
		{"CloudTrail S3 data events", orNone(trails), "the session's source identity (`userIdentity.sessionContext.sourceIdentity`); else the principal, marked unattributed",
			"S3 objects read, written, deleted and refused, per researcher and dataset, with the bytes moved and the first and last time"},
		{"auditd on the workstation", orNone(hosts), "the login uid (AUID), which sudo does not change: by name: the boot script pins auditd's ENRICHED log format (a RAW log gives only the number)",
			"files of the data volume opened for reading or writing, created, deleted or refused"},
		{"Redshift user activity log", orNone(quoted(redshift)) + " (OMOP stacks: `/aws/redshift/cluster/<cluster>/useractivitylog`)", "the database user",
			"each query's tables, columns and the predicates that chose its rows, parsed by PostgreSQL's parser; a query it cannot read is listed"},
	}
}

// logGroups returns the names of the plan's log groups that end with suffix.
func logGroups(s *engine.Stack, suffix string) []string {
	var out []string
	for _, g := range s.OfType("aws:cloudwatch/logGroup:LogGroup") {
		if name, _ := g.Props["name"].(string); name != "" && strings.HasSuffix(name, suffix) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return out
}

func orNone(items []string) string {
	if len(items) == 0 {
		return "none in this stack"
	}
	return strings.Join(items, "; ")
}

// writeActivityReview writes how the stack answers "which data were used, by whom, when": the logs, who
// each names, and the report that reviews them.
func writeActivityReview(b *strings.Builder, p *plan.Plan) {
	fmt.Fprintf(b, "\n## Activity review: which data were used, by whom (%s)\n\n", strings.Join(activityParagraphs, ", "))
	fmt.Fprintf(b, "`sce audit usage` (internal/usage) reads the logs below and reports, per researcher and dataset, what each used; every researcher of the project is listed, with zeros for one who used nothing. Its `--format json` output is the evidence of a review: the window, the filters and every log file read, named by the SHA-256 of its bytes; a log file it cannot read is an input error, listed, and the command exits 1. Object keys, file paths and predicate constants stay hashed unless `--show-keys`. In the `%s` stack's plan:\n\n", p.Stack)
	b.WriteString("| Log | Kept by | Names the person by | The review reports |\n|---|---|---|---|\n")
	for _, src := range activitySources(p.RulesStack()) {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", src.log, escape(src.kept), src.person, src.reports)
	}
}
