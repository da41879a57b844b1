package handler

import (
	"strings"

	"github.com/sce-project/sce/internal/lambdaenv"
)

// The environment variables the infrastructure sets for the function.
const (
	// EnvLedgerTable names the DynamoDB table that holds the upload ledger (required).
	EnvLedgerTable = "LEDGER_TABLE"
	// EnvQueueURL is the URL of the SQS queue that receives one message per clean upload (required).
	EnvQueueURL = "QUEUE_URL"
	// EnvTopicARN is the ARN of the SNS topic that receives notifications and alerts (required).
	EnvTopicARN = "TOPIC_ARN"
	// EnvQuarantinePrefix is the key prefix, in the same bucket, of quarantined copies (optional,
	// DefaultQuarantinePrefix when unset or blank).
	EnvQuarantinePrefix = "QUARANTINE_PREFIX"
	// EnvKMSKeyARN is the ARN of the project's KMS key, with which quarantined copies are encrypted
	// (required).
	EnvKMSKeyARN = "KMS_KEY_ARN"
	// EnvPHINames is a comma-separated list of names the PHI detector reports in keys (optional, may be
	// empty).
	EnvPHINames = "PHI_NAMES"
	// EnvRecordOnlyPrefixes is a comma-separated list of key prefixes whose objects are recorded and
	// notified but not queued: the OMOP load's vocabulary and data prefixes, which Redshift's COPY reads
	// and no worker should (optional, may be empty). The quarantine prefix is always one of them.
	EnvRecordOnlyPrefixes = "RECORD_ONLY_PREFIXES"
	// EnvMalwareScan is "on" when the bucket has a GuardDuty malware protection plan whose scan results
	// reach the function: a clean upload is then queued when its scan finds no threat, not when it is
	// created, and an infected one is quarantined. "off" or unset: uploads are queued when created.
	EnvMalwareScan = "MALWARE_SCAN"
)

// DefaultQuarantinePrefix is the quarantine prefix used when QUARANTINE_PREFIX is unset or blank.
const DefaultQuarantinePrefix = "quarantine/"

// Config is the function's configuration, read from the environment at cold start.
type Config struct {
	// Table is the DynamoDB table of the ledger.
	Table string
	// QueueURL is the SQS queue for downstream processing.
	QueueURL string
	// TopicARN is the SNS topic for notifications and alerts.
	TopicARN string
	// QuarantinePrefix is the key prefix of quarantined copies; it ends with "/".
	QuarantinePrefix string
	// KMSKeyARN is the project key that encrypts quarantined copies.
	KMSKeyARN string
	// PHINames are the names the detector reports, blank entries removed.
	PHINames []string
	// RecordOnlyPrefixes are the key prefixes whose objects are not queued, besides QuarantinePrefix;
	// each ends with "/".
	RecordOnlyPrefixes []string
	// MalwareScan says that uploads are queued on their clean scan result (MALWARE_SCAN=on).
	MalwareScan bool
}

// ConfigFromEnv reads the configuration through lookup (os.LookupEnv in production). It reports every
// missing or malformed variable in one error, naming each variable, its value and what is accepted.
func ConfigFromEnv(lookup func(string) (string, bool)) (Config, error) {
	env := lambdaenv.NewEnv(lookup)
	c := Config{
		Table:              env.Get(EnvLedgerTable),
		QueueURL:           env.Get(EnvQueueURL),
		TopicARN:           env.Get(EnvTopicARN),
		QuarantinePrefix:   env.Get(EnvQuarantinePrefix),
		KMSKeyARN:          env.Get(EnvKMSKeyARN),
		PHINames:           splitNames(env.Get(EnvPHINames)),
		RecordOnlyPrefixes: splitNames(env.Get(EnvRecordOnlyPrefixes)),
	}
	if c.QuarantinePrefix == "" {
		c.QuarantinePrefix = DefaultQuarantinePrefix
	}
	switch scan := env.Get(EnvMalwareScan); scan {
	case "on":
		c.MalwareScan = true
	case "off", "":
	default:
		env.Problemf("%s is %q: want on or off", EnvMalwareScan, scan)
	}
	env.Require(
		lambdaenv.Required{Name: EnvLedgerTable, Value: c.Table, Want: "the name of the ledger's DynamoDB table"},
		lambdaenv.Required{Name: EnvQueueURL, Value: c.QueueURL, Want: "the queue's URL, https://sqs.<region>.amazonaws.com/<account>/<name>"},
		lambdaenv.Required{Name: EnvTopicARN, Value: c.TopicARN, Want: "the topic's ARN, arn:aws:sns:<region>:<account>:<name>"},
		lambdaenv.Required{Name: EnvKMSKeyARN, Value: c.KMSKeyARN, Want: "the project key's ARN, arn:aws:kms:<region>:<account>:key/<id>"},
	)
	if c.QueueURL != "" && !strings.HasPrefix(c.QueueURL, "https://") {
		env.Problemf("%s is %q: want an https:// queue URL", EnvQueueURL, c.QueueURL)
	}
	if c.TopicARN != "" && !isARN(c.TopicARN, "sns") {
		env.Problemf("%s is %q: want an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>", EnvTopicARN, c.TopicARN)
	}
	if c.KMSKeyARN != "" && !isARN(c.KMSKeyARN, "kms") {
		env.Problemf("%s is %q: want a KMS key ARN, arn:aws:kms:<region>:<account>:key/<id>", EnvKMSKeyARN, c.KMSKeyARN)
	}
	if !strings.HasSuffix(c.QuarantinePrefix, "/") || strings.HasPrefix(c.QuarantinePrefix, "/") {
		env.Problemf("%s is %q: want a key prefix that ends with \"/\" and does not start with one, such as %q",
			EnvQuarantinePrefix, c.QuarantinePrefix, DefaultQuarantinePrefix)
	}
	for _, p := range c.RecordOnlyPrefixes {
		if !strings.HasSuffix(p, "/") || strings.HasPrefix(p, "/") {
			env.Problemf("%s holds %q: want key prefixes that end with \"/\" and do not start with one, such as \"omop/vocabulary/\"",
				EnvRecordOnlyPrefixes, p)
		}
	}
	if err := env.Err("ledger configuration"); err != nil {
		return Config{}, err
	}
	return c, nil
}

// isARN reports whether s looks like an ARN of the given service: arn:<partition>:<service>:... .
func isARN(s, service string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] == service
}

// splitNames splits a comma-separated list, trimming each entry and dropping blank ones.
func splitNames(s string) []string {
	var names []string
	for n := range strings.SplitSeq(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}
