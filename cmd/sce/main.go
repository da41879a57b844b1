// Command sce is the SCE companion CLI: a new project's stack file, the offline plan, the policy check,
// close-out, synthetic data, safe uploads and the airlock.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: sce <command> [flags]

commands:
  init       write a new project's stack file, validated, its VPC block free of every other stack's:
             sce init <pit> [--region R] [--cidr C] [--ssh-cidr C ...] [--ssh-key FILE|KEY] [--email E ...] [--dir DIR] [--force]
  plan       plan a stack offline: sce plan --stack NAME [--config FILE] [--format text|json|terraform|dot]
  policy     check a plan or a deployed stack: sce policy check --plan FILE | --state FILE
  verify     prove the stack's access flows from its plan: sce verify --stack NAME [--config FILE] | --plan FILE [--format text|json|markdown]
  closeout   check and print the end-of-project procedure: sce closeout --stack NAME [--config FILE] [--outputs FILE]
  synthdata  write the seed's synthetic data set: sce synthdata [--out DIR] [--patients N] [--visits N] [--seed N]
  upload     upload files into the data-in bucket, SSE-KMS, PHI-free keys, verified:
             sce upload FILE... --stack NAME [--outputs FILE | --bucket NAME --kms-key ARN] [--prefix P]
  airlock    get results out through two reviewers (docs/airlock.md):
             sce airlock check FILE... [--released DIR] [--min-cell N] [--date-precision year|month|day] [--max-difference N] [--name NAME ...] [--format text|json]
             sce airlock request FILE... --why TEXT [--outputs FILE | --table T --bucket B --kms-key ARN]    (the researcher, on the workstation)
             sce airlock list [--all] | show ID [--fetch DIR] | approve ID [--comment TEXT] | reject ID --reason TEXT [--outputs FILE]
  audit      report every data event on the PHI buckets, with anomalies flagged:
             sce audit report --trail DIR|s3://BUCKET/PREFIX [--outputs FILE] [--from T --to T] [--format table|csv|markdown]
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "init":
		return runInit(args[1:], stdout, stderr)
	case "plan":
		return runPlan(args[1:], stdout, stderr)
	case "policy":
		return runPolicy(args[1:], stdout, stderr)
	case "verify":
		return runVerify(args[1:], stdout, stderr)
	case "closeout":
		return runCloseout(args[1:], stdout, stderr)
	case "audit":
		return runAudit(args[1:], stdout, stderr)
	case "airlock":
		return runAirlock(args[1:], stdout, stderr)
	case "upload":
		return runUpload(args[1:], stdout, stderr)
	case "synthdata":
		return runSynthdata(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "sce: unknown command %q\n%s", args[0], usage)
	return 2
}
