package handler

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{EnvLedgerTable: testTable, EnvOutputBucket: testBucket, EnvTopicARN: testTopic, EnvKMSKeyARN: testKey,
		EnvReviewers: bobRole + ", " + carolRole + "," + bobRole}
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	c, err := ConfigFromEnv(lookup(base))
	require.NoError(t, err)
	assert.Equal(t, []string{bobRole, carolRole}, c.Reviewers, "trimmed, duplicates dropped")
	assert.Equal(t, MinApprovals, c.Approvals)

	for _, tc := range []struct{ name, key, value, want string }{
		{"no table", EnvLedgerTable, "", "LEDGER_TABLE is not set"},
		{"a reviewer that is no role ARN", EnvReviewers, "arn:aws:iam::111122223333:user/bob", "REVIEWERS holds"},
		{"one approval", EnvApprovals, "1", "APPROVALS is \"1\": want a whole number of at least 2"},
		{"a topic that is no ARN", EnvTopicARN, "alerts", "TOPIC_ARN is \"alerts\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range base {
				m[k] = v
			}
			m[tc.key] = tc.value
			_, err := ConfigFromEnv(lookup(m))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
