package handler

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sce-project/sce/internal/lambdaenv"
)

// The environment variables the infrastructure sets for the function.
const (
	// EnvLedgerTable names the upload ledger's DynamoDB table, whose stream invokes the function (required).
	EnvLedgerTable = "LEDGER_TABLE"
	// EnvOutputBucket names the output bucket: the outbox and released/ (required).
	EnvOutputBucket = "OUTPUT_BUCKET"
	// EnvTopicARN is the SNS topic of notifications and alerts (required).
	EnvTopicARN = "TOPIC_ARN"
	// EnvKMSKeyARN is the project key, with which released copies and records are encrypted (required).
	EnvKMSKeyARN = "KMS_KEY_ARN"
	// EnvReviewers is a comma-separated list of the reviewers' role ARNs (sce:outputReviewers). Empty:
	// nobody may review, and nothing is ever released.
	EnvReviewers = "REVIEWERS"
	// EnvApprovals is how many distinct approvals a release needs (optional, default and minimum 2).
	EnvApprovals = "APPROVALS"
)

// MinApprovals is the fewest approvals a release ever needs: four eyes.
const MinApprovals = 2

// roleARN is an IAM role ARN, with an optional path.
var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)

// Config is the function's configuration, read at cold start.
type Config struct {
	Table, Bucket, TopicARN, KMSKeyARN string
	// Reviewers are the role ARNs whose reviews count.
	Reviewers []string
	// Approvals is how many distinct approvals a release needs.
	Approvals int
}

// ConfigFromEnv reads the configuration through lookup, reporting every missing or malformed variable in
// one error.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	env := lambdaenv.NewEnv(lookup)
	c := Config{Table: env.Get(EnvLedgerTable), Bucket: env.Get(EnvOutputBucket), TopicARN: env.Get(EnvTopicARN), KMSKeyARN: env.Get(EnvKMSKeyARN), Approvals: MinApprovals}
	env.Require(
		lambdaenv.Required{Name: EnvLedgerTable, Value: c.Table, Want: "the ledger table's name"},
		lambdaenv.Required{Name: EnvOutputBucket, Value: c.Bucket, Want: "the output bucket's name"},
		lambdaenv.Required{Name: EnvTopicARN, Value: c.TopicARN, Want: "an SNS topic ARN"},
		lambdaenv.Required{Name: EnvKMSKeyARN, Value: c.KMSKeyARN, Want: "the project key's ARN"},
	)
	if c.TopicARN != "" && !strings.HasPrefix(c.TopicARN, "arn:") {
		env.Problemf("%s is %q: want an SNS topic ARN", EnvTopicARN, c.TopicARN)
	}
	if c.KMSKeyARN != "" && !strings.Contains(c.KMSKeyARN, ":kms:") {
		env.Problemf("%s is %q: want a KMS key ARN", EnvKMSKeyARN, c.KMSKeyARN)
	}
	seen := map[string]bool{}
	for r := range strings.SplitSeq(env.Get(EnvReviewers), ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if !roleARN.MatchString(r) {
			env.Problemf("%s holds %q: want IAM role ARNs, arn:aws:iam::ACCOUNT:role/NAME", EnvReviewers, r)
			continue
		}
		if !seen[r] {
			c.Reviewers = append(c.Reviewers, r)
			seen[r] = true
		}
	}
	if v := env.Get(EnvApprovals); v != "" {
		var n int
		if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n < MinApprovals || fmt.Sprint(n) != v {
			env.Problemf("%s is %q: want a whole number of at least %d", EnvApprovals, v, MinApprovals)
		} else {
			c.Approvals = n
		}
	}
	if err := env.Err("release configuration"); err != nil {
		return Config{}, err
	}
	return c, nil
}

// isReviewer reports whether a role ARN is one of the configured reviewers.
func (c Config) isReviewer(role string) bool {
	for _, r := range c.Reviewers {
		if r == role {
			return true
		}
	}
	return false
}
