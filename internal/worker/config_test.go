package worker

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validFlags is a complete configuration given by flags.
var validFlags = []string{
	"--queue-url", testQueueURL,
	"--output-bucket", outputBucket,
	"--kms-key", testKMSKey,
	"--command", "/opt/pipeline/run",
}

// environment returns a getenv over a map.
func environment(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestAConfigurationFromFlagsGetsTheDocumentedDefaults(t *testing.T) {
	c, err := ParseConfig(validFlags, environment(nil), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, Config{
		QueueURL: testQueueURL, QueueName: "pit-worker-queue", OutputBucket: outputBucket, KMSKeyARN: testKMSKey,
		Scratch: "/scratch", Command: []string{"/opt/pipeline/run"}, Idle: 15 * time.Minute, Timeout: 2 * time.Hour,
		Visibility: 5 * time.Minute, RetryDelay: time.Minute, MetricNamespace: "SCE/Workers", Region: "us-east-1",
	}, c)
}

func TestAConfigurationFromTheEnvironmentAlone(t *testing.T) {
	c, err := ParseConfig(nil, environment(map[string]string{
		"SQS_QUEUE_URL":      testQueueURL,
		"OUTPUT_BUCKET":      outputBucket,
		"KMS_KEY_ARN":        testKMSKey,
		"SCRATCH_DIR":        "/mnt/scratch/",
		"PIPELINE_COMMAND":   `["/opt/pipeline/run", "--threads", "4"]`,
		"IDLE_TIMEOUT":       "5m",
		"PIPELINE_TIMEOUT":   "30m",
		"VISIBILITY_TIMEOUT": "2m",
		"RETRY_DELAY":        "10s",
		"METRIC_NAMESPACE":   "SCE/pit",
		"AWS_REGION":         "eu-west-2",
		"SHUTDOWN_ON_IDLE":   "true",
	}), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, Config{
		QueueURL: testQueueURL, QueueName: "pit-worker-queue", OutputBucket: outputBucket, KMSKeyARN: testKMSKey,
		Scratch: "/mnt/scratch", Command: []string{"/opt/pipeline/run", "--threads", "4"}, Idle: 5 * time.Minute,
		Timeout: 30 * time.Minute, Visibility: 2 * time.Minute, RetryDelay: 10 * time.Second, MetricNamespace: "SCE/pit",
		Region: "eu-west-2", Shutdown: true,
	}, c)
}

func TestFlagsOverrideTheEnvironment(t *testing.T) {
	args := append([]string{"--idle", "1m", "--shutdown=false", "--region", "us-west-2", "--scratch", "/data"}, validFlags...)
	c, err := ParseConfig(args, environment(map[string]string{"IDLE_TIMEOUT": "1h", "SHUTDOWN_ON_IDLE": "true", "SCRATCH_DIR": "/x"}), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, time.Minute, c.Idle)
	assert.False(t, c.Shutdown)
	assert.Equal(t, "us-west-2", c.Region)
	assert.Equal(t, "/data", c.Scratch)
}

func TestShutdownIsABooleanFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want bool
	}{
		{name: "a bare --shutdown turns it on", args: []string{"--shutdown"}, want: true},
		{name: "a bare -shutdown turns it on", args: []string{"-shutdown"}, want: true},
		{name: "--shutdown=true turns it on", args: []string{"--shutdown=true"}, want: true},
		{name: "SHUTDOWN_ON_IDLE=true turns it on", env: "true", want: true},
		{name: "SHUTDOWN_ON_IDLE=1 turns it on", env: "1", want: true},
		{name: "--shutdown=false beats the environment", args: []string{"--shutdown=false"}, env: "true", want: false},
		{name: "it is off by default", want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig(append(tc.args, validFlags...), environment(map[string]string{"SHUTDOWN_ON_IDLE": tc.env}), &bytes.Buffer{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.Shutdown)
		})
	}
}

func TestBadOrMissingConfigurationIsRefusedWithTheFlagAndWhatIsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{name: "nothing names every required flag and its variable", args: nil,
			want: []string{"--queue-url (SQS_QUEUE_URL) is required", "--output-bucket (OUTPUT_BUCKET) is required",
				"--kms-key (KMS_KEY_ARN) is required", "--command (PIPELINE_COMMAND): is required"}},
		{name: "a queue URL without a queue", args: []string{"--queue-url", "https://sqs.us-east-1.amazonaws.com/"},
			want: []string{`--queue-url (SQS_QUEUE_URL) "https://sqs.us-east-1.amazonaws.com/": want a queue URL`}},
		{name: "a queue ARN instead of its URL", args: []string{"--queue-url", "arn:aws:sqs:us-east-1:111122223333:q"},
			want: []string{"want a queue URL"}},
		{name: "a bucket name with capitals", args: []string{"--output-bucket", "My_Bucket"},
			want: []string{`--output-bucket (OUTPUT_BUCKET) "My_Bucket": want a bucket name`}},
		{name: "a key alias instead of the key's ARN", args: []string{"--kms-key", "alias/pit"},
			want: []string{`--kms-key (KMS_KEY_ARN) "alias/pit": want a KMS key ARN`}},
		{name: "a relative scratch directory", args: []string{"--scratch", "scratch"},
			want: []string{`--scratch (SCRATCH_DIR) "scratch": want an absolute path`}},
		{name: "a command with spaces", args: []string{"--command", "/opt/run --fast"},
			want: []string{"--command (PIPELINE_COMMAND)", "give a program with arguments as a JSON array"}},
		{name: "a command array that is not JSON", args: []string{"--command", "[/opt/run]"},
			want: []string{"is not a JSON array of strings"}},
		{name: "an empty command array", args: []string{"--command", "[]"},
			want: []string{"the array's first element must be the program"}},
		{name: "an idle timeout that is not a duration", args: []string{"--idle", "15"},
			want: []string{`--idle (IDLE_TIMEOUT) "15": want a duration such as 90s, 15m or 2h`}},
		{name: "a pipeline timeout beyond SQS's twelve hours", args: []string{"--timeout", "12h"},
			want: []string{"--timeout (PIPELINE_TIMEOUT) 12h0m0s: want from 1s to 11h0m0s"}},
		{name: "a visibility timeout too short to renew", args: []string{"--visibility", "10s"},
			want: []string{"--visibility (VISIBILITY_TIMEOUT) 10s: want from 30s to 12h0m0s"}},
		{name: "a negative retry delay", args: []string{"--retry-delay", "-1s"},
			want: []string{"--retry-delay (RETRY_DELAY) -1s: want at most 12h0m0s"}},
		{name: "a shutdown that is not a boolean", args: []string{"--shutdown=sometimes"},
			want: []string{`--shutdown (SHUTDOWN_ON_IDLE) "sometimes": want true or false`}},
		{name: "an AWS namespace", args: []string{"--metric-namespace", "AWS/SQS"},
			want: []string{`--metric-namespace (METRIC_NAMESPACE) "AWS/SQS"`}},
		{name: "a region that is not one", args: []string{"--region", "Virginia"},
			want: []string{`--region (AWS_REGION) "Virginia": want a region name`}},
		{name: "a queue URL without a region and no region", args: []string{"--queue-url", "http://localhost:9324/111122223333/q"},
			want: []string{"--region (AWS_REGION) is required"}},
		{name: "a positional argument", args: []string{"extra"},
			want: []string{`unexpected argument "extra"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var args []string // no arguments at all, or the valid ones with the bad one last
			if tc.args != nil {
				args = append(append(args, validFlags...), tc.args...)
			}
			_, err := ParseConfig(args, environment(nil), &bytes.Buffer{})
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			if tc.args == nil {
				assert.NotContains(t, err.Error(), "--region", "a missing queue URL is reported once")
			}
		})
	}
}

func TestABadEnvironmentVariableIsNamed(t *testing.T) {
	_, err := ParseConfig(validFlags, environment(map[string]string{"IDLE_TIMEOUT": "soon"}), &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `--idle (IDLE_TIMEOUT) "soon"`)
}

func TestHelpPrintsTheFlagsAndHowToGiveTheCommand(t *testing.T) {
	var out bytes.Buffer
	_, err := ParseConfig([]string{"-h"}, environment(nil), &out)
	assert.True(t, errors.Is(err, ErrHelp))
	for _, want := range []string{"--queue-url", "SQS_QUEUE_URL", "PIPELINE_COMMAND", "JSON array", "SCE_OUTPUT_DIR", "SHUTDOWN_ON_IDLE"} {
		assert.Contains(t, out.String(), want)
	}
}

func TestTheRegionIsReadFromTheQueueURL(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://sqs.eu-central-1.amazonaws.com/111122223333/q", "eu-central-1"},
		{"https://us-gov-west-1.queue.amazonaws.com/111122223333/q", "us-gov-west-1"},
		{"https://vpce-0123-abcd.sqs.ap-southeast-2.vpce.amazonaws.com/111122223333/q", "ap-southeast-2"},
		{"http://localhost:9324/111122223333/q", ""},
		{"::not a url", ""},
	} {
		assert.Equal(t, tc.want, RegionFromQueueURL(tc.url), tc.url)
	}
}
