package handler

import (
	"fmt"
	"regexp"
	"strings"
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
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	c := Config{Table: get(EnvLedgerTable), Bucket: get(EnvOutputBucket), TopicARN: get(EnvTopicARN), KMSKeyARN: get(EnvKMSKeyARN), Approvals: MinApprovals}
	var problems []string
	for _, r := range []struct{ name, value, want string }{
		{EnvLedgerTable, c.Table, "the ledger table's name"},
		{EnvOutputBucket, c.Bucket, "the output bucket's name"},
		{EnvTopicARN, c.TopicARN, "an SNS topic ARN"},
		{EnvKMSKeyARN, c.KMSKeyARN, "the project key's ARN"},
	} {
		if r.value == "" {
			problems = append(problems, fmt.Sprintf("%s is not set: want %s", r.name, r.want))
		}
	}
	if c.TopicARN != "" && !strings.HasPrefix(c.TopicARN, "arn:") {
		problems = append(problems, fmt.Sprintf("%s is %q: want an SNS topic ARN", EnvTopicARN, c.TopicARN))
	}
	if c.KMSKeyARN != "" && !strings.Contains(c.KMSKeyARN, ":kms:") {
		problems = append(problems, fmt.Sprintf("%s is %q: want a KMS key ARN", EnvKMSKeyARN, c.KMSKeyARN))
	}
	seen := map[string]bool{}
	for r := range strings.SplitSeq(get(EnvReviewers), ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if !roleARN.MatchString(r) {
			problems = append(problems, fmt.Sprintf("%s holds %q: want IAM role ARNs, arn:aws:iam::ACCOUNT:role/NAME", EnvReviewers, r))
			continue
		}
		if !seen[r] {
			c.Reviewers = append(c.Reviewers, r)
			seen[r] = true
		}
	}
	if v := get(EnvApprovals); v != "" {
		var n int
		if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n < MinApprovals || fmt.Sprint(n) != v {
			problems = append(problems, fmt.Sprintf("%s is %q: want a whole number of at least %d", EnvApprovals, v, MinApprovals))
		} else {
			c.Approvals = n
		}
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("release configuration: %s", strings.Join(problems, "; "))
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
