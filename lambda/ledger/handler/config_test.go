package handler

import (
	"reflect"
	"strings"
	"testing"
)

func lookupFrom(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func fullEnv() map[string]string {
	return map[string]string{
		EnvLedgerTable:        testTable,
		EnvQueueURL:           testQueue,
		EnvTopicARN:           testTopic,
		EnvQuarantinePrefix:   "quarantine/",
		EnvKMSKeyARN:          testKeyARN,
		EnvPHINames:           "Yaya Toure, ,Jane Doe ",
		EnvRecordOnlyPrefixes: "omop/vocabulary/, omop/cdm/",
		EnvMalwareScan:        "on",
	}
}

func TestConfigFromEnvReadsEveryVariable(t *testing.T) {
	c, err := ConfigFromEnv(lookupFrom(fullEnv()))
	if err != nil {
		t.Fatalf("ConfigFromEnv: %v", err)
	}
	want := Config{Table: testTable, QueueURL: testQueue, TopicARN: testTopic, QuarantinePrefix: "quarantine/", KMSKeyARN: testKeyARN, PHINames: []string{"Yaya Toure", "Jane Doe"},
		RecordOnlyPrefixes: []string{"omop/vocabulary/", "omop/cdm/"}, MalwareScan: true}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("config = %+v, want %+v", c, want)
	}
}

func TestConfigFromEnvDefaults(t *testing.T) {
	vars := fullEnv()
	delete(vars, EnvQuarantinePrefix)
	delete(vars, EnvPHINames)
	delete(vars, EnvRecordOnlyPrefixes)
	delete(vars, EnvMalwareScan)
	c, err := ConfigFromEnv(lookupFrom(vars))
	if err != nil {
		t.Fatalf("ConfigFromEnv: %v", err)
	}
	if c.QuarantinePrefix != DefaultQuarantinePrefix {
		t.Errorf("quarantine prefix = %q, want the default %q", c.QuarantinePrefix, DefaultQuarantinePrefix)
	}
	if len(c.PHINames) != 0 {
		t.Errorf("PHI names = %q, want none", c.PHINames)
	}
	if len(c.RecordOnlyPrefixes) != 0 {
		t.Errorf("record-only prefixes = %q, want none", c.RecordOnlyPrefixes)
	}
	if c.MalwareScan {
		t.Error("malware scan is on without MALWARE_SCAN; want uploads queued when created")
	}
}

func TestConfigFromEnvRejects(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]string // overrides; "" deletes
		want []string          // substrings of the error
	}{
		{"a missing table", map[string]string{EnvLedgerTable: ""}, []string{"LEDGER_TABLE is not set"}},
		{"a missing queue", map[string]string{EnvQueueURL: ""}, []string{"QUEUE_URL is not set"}},
		{"a missing topic", map[string]string{EnvTopicARN: ""}, []string{"TOPIC_ARN is not set"}},
		{"a missing key", map[string]string{EnvKMSKeyARN: ""}, []string{"KMS_KEY_ARN is not set"}},
		{"a blank table", map[string]string{EnvLedgerTable: "   "}, []string{"LEDGER_TABLE is not set"}},
		{"a queue URL without https", map[string]string{EnvQueueURL: "sqs.us-east-1.amazonaws.com/1/q"}, []string{`QUEUE_URL is "sqs.us-east-1.amazonaws.com/1/q"`, "https://"}},
		{"a topic name instead of an ARN", map[string]string{EnvTopicARN: "uploads"}, []string{`TOPIC_ARN is "uploads"`, "SNS topic ARN"}},
		{"a key id instead of an ARN", map[string]string{EnvKMSKeyARN: "1234abcd"}, []string{`KMS_KEY_ARN is "1234abcd"`, "KMS key ARN"}},
		{"a prefix without a slash", map[string]string{EnvQuarantinePrefix: "quarantine"}, []string{`QUARANTINE_PREFIX is "quarantine"`, `ends with "/"`}},
		{"a prefix with a leading slash", map[string]string{EnvQuarantinePrefix: "/quarantine/"}, []string{`QUARANTINE_PREFIX is "/quarantine/"`}},
		{"a record-only prefix without a slash", map[string]string{EnvRecordOnlyPrefixes: "omop/vocabulary/,omop/cdm"}, []string{`RECORD_ONLY_PREFIXES holds "omop/cdm"`, `end with "/"`}},
		{"a record-only prefix with a leading slash", map[string]string{EnvRecordOnlyPrefixes: "/omop/vocabulary/"}, []string{`RECORD_ONLY_PREFIXES holds "/omop/vocabulary/"`}},
		{"a malware scan that is neither on nor off", map[string]string{EnvMalwareScan: "yes"}, []string{`MALWARE_SCAN is "yes"`, "on or off"}},
		{"every required variable missing", map[string]string{EnvLedgerTable: "", EnvQueueURL: "", EnvTopicARN: "", EnvKMSKeyARN: ""},
			[]string{"LEDGER_TABLE is not set", "QUEUE_URL is not set", "TOPIC_ARN is not set", "KMS_KEY_ARN is not set"}},
	}
	for _, tt := range tests {
		t.Run("it rejects "+tt.name, func(t *testing.T) {
			vars := fullEnv()
			for k, v := range tt.set {
				if v == "" {
					delete(vars, k)
				} else {
					vars[k] = v
				}
			}
			_, err := ConfigFromEnv(lookupFrom(vars))
			if err == nil {
				t.Fatal("ConfigFromEnv succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestConfigErrorNeverEchoesPHINames(t *testing.T) {
	vars := fullEnv()
	delete(vars, EnvLedgerTable)
	_, err := ConfigFromEnv(lookupFrom(vars))
	if err == nil {
		t.Fatal("ConfigFromEnv succeeded, want an error")
	}
	if strings.Contains(err.Error(), "Yaya") {
		t.Errorf("error %q shows a configured PHI name", err)
	}
}
