package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigRecorderFollowsTheAccountBaseline: AWS Config allows one recorder and one delivery channel per
// account and region, so only the baseline stack creates them, and it may leave them to an account that
// already has them.
func TestConfigRecorderFollowsTheAccountBaseline(t *testing.T) {
	cases := []struct {
		name    string
		changes map[string]string
		want    string
		problem string
	}{
		{name: "the baseline stack creates them by default", want: ConfigRecorderCreate},
		{name: "another stack uses the existing ones by default", changes: map[string]string{"sce:accountBaseline": "false"}, want: ConfigRecorderExisting},
		{name: "a baseline stack in an account that already has a recorder", changes: map[string]string{"sce:configRecorder": "existing"}, want: ConfigRecorderExisting},
		{name: "create said explicitly on the baseline stack", changes: map[string]string{"sce:configRecorder": "create"}, want: ConfigRecorderCreate},
		{name: "existing said explicitly on another stack", changes: map[string]string{"sce:accountBaseline": "false", "sce:configRecorder": "existing"},
			want: ConfigRecorderExisting},
		{name: "create on a stack without the baseline is refused, naming both keys",
			changes: map[string]string{"sce:accountBaseline": "false", "sce:configRecorder": "create"},
			problem: `sce:configRecorder: "create" is refused with sce:accountBaseline: false`},
		{name: "an unknown mode is refused", changes: map[string]string{"sce:configRecorder": "adopt"},
			problem: `sce:configRecorder: "adopt" is not a recorder mode; accepted: create`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(FromMap(with(tc.changes)))
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.ConfigRecorder)
			assert.Equal(t, tc.want == ConfigRecorderCreate, c.CreatesConfigRecorder())
		})
	}
}

// TestObjectLockIsRefusedWhereConfigDeliversIntoTheLogBucket: AWS Config does not deliver into a bucket
// with object lock and a default retention, which sce:logBucketObjectLock sets on the log bucket.
func TestObjectLockIsRefusedWhereConfigDeliversIntoTheLogBucket(t *testing.T) {
	cases := []struct {
		name    string
		changes map[string]string
		problem string
	}{
		{name: "object lock on the stack that creates the delivery channel is refused, naming the keys",
			changes: map[string]string{"sce:logBucketObjectLock": "true"},
			problem: `sce:logBucketObjectLock: "true" is refused where this stack creates the AWS Config delivery channel (sce:accountBaseline: true, sce:configRecorder: create)`},
		{name: "with create said explicitly it is refused too",
			changes: map[string]string{"sce:logBucketObjectLock": "true", "sce:configRecorder": "create"},
			problem: "AWS Config does not deliver into a bucket with object lock"},
		{name: "object lock where the account has its own recorder is accepted",
			changes: map[string]string{"sce:logBucketObjectLock": "true", "sce:configRecorder": "existing"}},
		{name: "object lock on a stack without the baseline is accepted",
			changes: map[string]string{"sce:logBucketObjectLock": "true", "sce:accountBaseline": "false"}},
		{name: "the baseline stack without object lock is accepted", changes: map[string]string{"sce:logBucketObjectLock": "false"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(FromMap(with(tc.changes)))
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.changes["sce:logBucketObjectLock"] == "true", c.LogBucketObjectLock)
		})
	}
}
