package worker

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults of the flags.
const (
	DefaultScratch         = "/scratch"
	DefaultIdle            = 15 * time.Minute
	DefaultTimeout         = 2 * time.Hour
	DefaultVisibility      = 5 * time.Minute
	DefaultRetryDelay      = time.Minute
	DefaultMetricNamespace = "SCE/Workers"
)

// SQS limits the worker must respect.
const (
	// maxVisibility is the longest visibility timeout SQS accepts, and the longest a received message can
	// be kept invisible in total.
	maxVisibility = 12 * time.Hour
	// minVisibility leaves the heartbeat (every third of the timeout) time to extend it.
	minVisibility = 30 * time.Second
	// maxTimeout leaves an hour of the twelve for the download and the uploads.
	maxTimeout = 11 * time.Hour
)

// Config is the worker's configuration, from flags with environment fallbacks (ParseConfig).
type Config struct {
	// QueueURL is the queue to take work from (--queue-url, SQS_QUEUE_URL). Required.
	QueueURL string
	// QueueName is the last segment of QueueURL: the metrics' QueueName dimension.
	QueueName string
	// OutputBucket receives the results (--output-bucket, OUTPUT_BUCKET). Required.
	OutputBucket string
	// KMSKeyARN encrypts the results, SSE-KMS (--kms-key, KMS_KEY_ARN). Required: a key ARN, not an alias.
	KMSKeyARN string
	// Scratch is the directory on the encrypted scratch volume where objects are downloaded and the
	// pipeline writes (--scratch, SCRATCH_DIR); default DefaultScratch.
	Scratch string
	// Command is the pipeline: a program and its fixed arguments, run without a shell; the downloaded
	// file's path is appended (--command, PIPELINE_COMMAND). Required.
	Command []string
	// Idle is how long the worker waits without a message before it stops (--idle, IDLE_TIMEOUT);
	// default DefaultIdle.
	Idle time.Duration
	// Timeout limits one run of the pipeline (--timeout, PIPELINE_TIMEOUT); default DefaultTimeout, at most
	// 11 hours (SQS keeps a message invisible for at most 12).
	Timeout time.Duration
	// Visibility is the visibility timeout asked for on receipt and renewed while the message is being
	// worked on (--visibility, VISIBILITY_TIMEOUT); default DefaultVisibility.
	Visibility time.Duration
	// RetryDelay is how long a failed message stays invisible before SQS delivers it again
	// (--retry-delay, RETRY_DELAY); default DefaultRetryDelay.
	RetryDelay time.Duration
	// MetricNamespace is the CloudWatch namespace of the metrics (--metric-namespace, METRIC_NAMESPACE);
	// default DefaultMetricNamespace.
	MetricNamespace string
	// Region is the AWS region (--region, AWS_REGION); default the queue URL's region.
	Region string
	// Shutdown powers the instance off when the worker stops for want of work (--shutdown,
	// SHUTDOWN_ON_IDLE=true).
	Shutdown bool
}

// ErrHelp is returned by ParseConfig when help was asked for (-h, --help); the usage has been printed.
var ErrHelp = flag.ErrHelp

var (
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	kmsKeyARN  = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$`)
	queueName  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}(\.fifo)?$`)
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	namespace  = regexp.MustCompile(`^[A-Za-z0-9.\-_/#:]{1,255}$`)
)

// CommandHelp explains how to give the pipeline command; it is part of the usage text.
const CommandHelp = `The pipeline command is run without a shell. A single word is the program (a path, or a name looked
up in PATH). A program with arguments is a JSON array of strings:
  --command '["/opt/pipeline/run", "--threads", "4"]'
  PIPELINE_COMMAND='["/opt/pipeline/run", "--threads", "4"]'
The downloaded file's path is appended as the last argument. The command also gets SCE_OUTPUT_DIR (write
the results there), SCE_INPUT_FILE, SCE_OBJECT_BUCKET, SCE_OBJECT_KEY, SCE_OBJECT_VERSION, and TMPDIR and
its working directory on the scratch volume.`

// ParseConfig reads the configuration from args, each flag falling back to its environment variable
// (read through getenv), and checks it. Usage and flag errors are written to usage. Every error names the
// flag, its environment variable, the bad value and what is accepted.
func ParseConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(usage)
	var c Config
	var command, idle, timeout, visibility, retry, shutdown string
	fs.StringVar(&c.QueueURL, "queue-url", getenv("SQS_QUEUE_URL"), "the SQS queue to take work from (env SQS_QUEUE_URL)")
	fs.StringVar(&c.OutputBucket, "output-bucket", getenv("OUTPUT_BUCKET"), "the bucket the results go to (env OUTPUT_BUCKET)")
	fs.StringVar(&c.KMSKeyARN, "kms-key", getenv("KMS_KEY_ARN"), "the project KMS key's ARN, for SSE-KMS on the results (env KMS_KEY_ARN)")
	fs.StringVar(&c.Scratch, "scratch", orDefault(getenv("SCRATCH_DIR"), DefaultScratch), "directory on the encrypted scratch volume (env SCRATCH_DIR)")
	fs.StringVar(&command, "command", getenv("PIPELINE_COMMAND"), "the pipeline: a program, or a JSON array of the program and its arguments (env PIPELINE_COMMAND)")
	fs.StringVar(&idle, "idle", orDefault(getenv("IDLE_TIMEOUT"), DefaultIdle.String()), "stop after this long without a message (env IDLE_TIMEOUT)")
	fs.StringVar(&timeout, "timeout", orDefault(getenv("PIPELINE_TIMEOUT"), DefaultTimeout.String()), "time limit of one pipeline run, at most 11h (env PIPELINE_TIMEOUT)")
	fs.StringVar(&visibility, "visibility", orDefault(getenv("VISIBILITY_TIMEOUT"), DefaultVisibility.String()), "visibility timeout, renewed while a message is worked on (env VISIBILITY_TIMEOUT)")
	fs.StringVar(&retry, "retry-delay", orDefault(getenv("RETRY_DELAY"), DefaultRetryDelay.String()), "how long a failed message waits before it is delivered again (env RETRY_DELAY)")
	fs.StringVar(&c.MetricNamespace, "metric-namespace", orDefault(getenv("METRIC_NAMESPACE"), DefaultMetricNamespace), "CloudWatch namespace of the metrics (env METRIC_NAMESPACE)")
	fs.StringVar(&c.Region, "region", getenv("AWS_REGION"), "AWS region (env AWS_REGION; default the queue URL's region)")
	fs.StringVar(&shutdown, "shutdown", orDefault(getenv("SHUTDOWN_ON_IDLE"), "false"), "power the instance off when idle (env SHUTDOWN_ON_IDLE=true)")
	fs.Lookup("shutdown").DefValue = "false"
	fs.Usage = func() {
		fmt.Fprintf(usage, "usage: worker --queue-url URL --output-bucket NAME --kms-key ARN --command CMD [flags]\n\nflags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(usage, "\n%s\n", CommandHelp)
	}
	// --shutdown is a boolean flag that may stand alone; it is declared as a string so that the
	// environment can set it, and rewritten here.
	args = boolFlag(args, "shutdown")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q: the worker takes flags only", fs.Arg(0))
	}

	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(c.checkQueue())
	add(c.checkOutput())
	add(c.checkScratch())
	var err error
	if c.Command, err = ParseCommand(command); err != nil {
		add(fmt.Errorf("--command (PIPELINE_COMMAND): %w", err))
	}
	c.Idle, err = duration("idle", "IDLE_TIMEOUT", idle, time.Second, 0)
	add(err)
	c.Timeout, err = duration("timeout", "PIPELINE_TIMEOUT", timeout, time.Second, maxTimeout)
	add(err)
	c.Visibility, err = duration("visibility", "VISIBILITY_TIMEOUT", visibility, minVisibility, maxVisibility)
	add(err)
	c.RetryDelay, err = duration("retry-delay", "RETRY_DELAY", retry, 0, maxVisibility)
	add(err)
	if c.Shutdown, err = strconv.ParseBool(shutdown); err != nil {
		add(fmt.Errorf("--shutdown (SHUTDOWN_ON_IDLE) %q: want true or false", shutdown))
	}
	if !namespace.MatchString(c.MetricNamespace) || strings.HasPrefix(c.MetricNamespace, "AWS/") {
		add(fmt.Errorf("--metric-namespace (METRIC_NAMESPACE) %q: want 1 to 255 letters, digits or . - _ / # :, not beginning with AWS/ (reserved for AWS)", c.MetricNamespace))
	}
	add(c.checkRegion())
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// checkQueue checks the queue URL and derives the queue's name from it.
func (c *Config) checkQueue() error {
	if c.QueueURL == "" {
		return errors.New("--queue-url (SQS_QUEUE_URL) is required: the URL of the SQS queue, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME")
	}
	u, err := url.Parse(c.QueueURL)
	parts := []string{}
	if err == nil {
		parts = strings.Split(strings.Trim(u.Path, "/"), "/")
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(parts) != 2 || !queueName.MatchString(parts[1]) {
		return fmt.Errorf("--queue-url (SQS_QUEUE_URL) %q: want a queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME", c.QueueURL)
	}
	c.QueueName = parts[1]
	return nil
}

// checkOutput checks the output bucket and the key.
func (c *Config) checkOutput() error {
	var errs []error
	switch {
	case c.OutputBucket == "":
		errs = append(errs, errors.New("--output-bucket (OUTPUT_BUCKET) is required: the bucket the results go to"))
	case !bucketName.MatchString(c.OutputBucket):
		errs = append(errs, fmt.Errorf("--output-bucket (OUTPUT_BUCKET) %q: want a bucket name, 3 to 63 lower-case letters, digits, dots and hyphens", c.OutputBucket))
	}
	switch {
	case c.KMSKeyARN == "":
		errs = append(errs, errors.New("--kms-key (KMS_KEY_ARN) is required: the project key's ARN, with which the results are encrypted"))
	case !kmsKeyARN.MatchString(c.KMSKeyARN):
		errs = append(errs, fmt.Errorf("--kms-key (KMS_KEY_ARN) %q: want a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID (not an alias): the output bucket accepts only the project key", c.KMSKeyARN))
	}
	return errors.Join(errs...)
}

// checkScratch checks that the scratch directory is an absolute path; whether it exists is checked when
// the worker starts.
func (c *Config) checkScratch() error {
	if !filepath.IsAbs(c.Scratch) {
		return fmt.Errorf("--scratch (SCRATCH_DIR) %q: want an absolute path, the encrypted scratch volume's mount point", c.Scratch)
	}
	c.Scratch = filepath.Clean(c.Scratch)
	return nil
}

// checkRegion takes the region from the queue URL when none was given. A missing queue URL is reported
// by checkQueue alone.
func (c *Config) checkRegion() error {
	if c.Region == "" && c.QueueURL == "" {
		return nil
	}
	if c.Region == "" {
		c.Region = RegionFromQueueURL(c.QueueURL)
	}
	if c.Region == "" {
		return errors.New("--region (AWS_REGION) is required when the queue URL does not name a region")
	}
	if !regionName.MatchString(c.Region) {
		return fmt.Errorf("--region (AWS_REGION) %q: want a region name such as us-east-1", c.Region)
	}
	return nil
}

// RegionFromQueueURL returns the region named in a queue URL's host (sqs.REGION.amazonaws.com,
// REGION.queue.amazonaws.com, or a VPC endpoint's ...sqs.REGION.vpce.amazonaws.com), or "".
func RegionFromQueueURL(queueURL string) string {
	u, err := url.Parse(queueURL)
	if err != nil {
		return ""
	}
	labels := strings.Split(u.Hostname(), ".")
	for i, l := range labels {
		if l == "sqs" && i+1 < len(labels) && regionName.MatchString(labels[i+1]) {
			return labels[i+1]
		}
		if l == "queue" && i > 0 && regionName.MatchString(labels[i-1]) {
			return labels[i-1]
		}
	}
	return ""
}

// ParseCommand reads the pipeline command: a JSON array of strings (the program and its arguments), or a
// single word, the program.
func ParseCommand(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("is required: the pipeline program, or a JSON array of the program and its arguments")
	}
	if strings.HasPrefix(s, "[") {
		var argv []string
		if err := json.Unmarshal([]byte(s), &argv); err != nil {
			return nil, fmt.Errorf("%q is not a JSON array of strings: %w", s, err)
		}
		if len(argv) == 0 || strings.TrimSpace(argv[0]) == "" {
			return nil, fmt.Errorf("%q: the array's first element must be the program", s)
		}
		return argv, nil
	}
	if strings.ContainsAny(s, " \t\n") {
		return nil, fmt.Errorf("%q has spaces, and the command is run without a shell: give a program with arguments as a JSON array, [\"/opt/pipeline/run\", \"--threads\", \"4\"]", s)
	}
	return []string{s}, nil
}

// duration parses a duration flag and checks its range (max 0: no upper limit).
func duration(name, env, s string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("--%s (%s) %q: want a duration such as 90s, 15m or 2h", name, env, s)
	}
	if d < lo || (hi > 0 && d > hi) {
		limit := fmt.Sprintf("at least %s", lo)
		if hi > 0 {
			limit = fmt.Sprintf("from %s to %s", lo, hi)
		}
		if lo == 0 {
			limit = fmt.Sprintf("at most %s", hi)
		}
		return 0, fmt.Errorf("--%s (%s) %s: want %s", name, env, d, limit)
	}
	return d, nil
}

// boolFlag rewrites a bare -name or --name into --name=true, so that a string flag can be used as a
// boolean one; --name=false and --name=VALUE are left alone.
func boolFlag(args []string, name string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if a == "-"+name || a == "--"+name {
			a = "--" + name + "=true"
		}
		out = append(out, a)
	}
	return out
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
