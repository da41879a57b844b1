package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	reviewerBob   = "arn:aws:iam::111122223333:role/hipaa-reviewer-bob"
	reviewerCarol = "arn:aws:iam::111122223333:role/reviewers/carol"
)

func TestOutputReviewersAreReadWhenTwoOrMore(t *testing.T) {
	c, err := Load(FromMap(with(map[string]string{"sce:outputReviewers": `["` + reviewerBob + `","` + reviewerCarol + `"]`})))
	require.NoError(t, err)
	assert.Equal(t, []string{reviewerBob, reviewerCarol}, c.OutputReviewers)

	c, err = Load(FromMap(valid()))
	require.NoError(t, err)
	assert.Empty(t, c.OutputReviewers, "none by default: the airlock records and checks, and releases nothing")
}

func TestOutputReviewersRefused(t *testing.T) {
	for _, tc := range []struct {
		name, list, value, message string
	}{
		{"one reviewer", `["` + reviewerBob + `"]`, reviewerBob, "names 1 reviewer; a release needs 2 approvals"},
		{"the same reviewer twice", `["` + reviewerBob + `","` + reviewerBob + `"]`, reviewerBob, "listed twice"},
		{"a pattern", `["arn:aws:iam::111122223333:role/reviewer-*","` + reviewerBob + `"]`, "reviewer-*", "a reviewer is one role"},
		{"a user, not a role", `["arn:aws:iam::111122223333:user/bob","` + reviewerBob + `"]`, "user/bob", "not an IAM role ARN"},
		{"the researchers' role", `["arn:aws:iam::111122223333:role/hipaa-researcher","` + reviewerBob + `"]`, "hipaa-researcher", "one of the project's own roles"},
		{"the workstation's role", `["arn:aws:iam::111122223333:role/hipaa-workstation-role-4f2a9c1","` + reviewerBob + `"]`, "hipaa-workstation-role", "one of the project's own roles"},
		{"the workstation's instance role by its fixed name", `["arn:aws:iam::111122223333:role/hipaa-workstation","` + reviewerBob + `"]`, "hipaa-workstation", "one of the project's own roles"},
		{"the release function's role", `["arn:aws:iam::111122223333:role/hipaa-airlock-release","` + reviewerBob + `"]`, "hipaa-airlock-release", "one of the project's own roles"},
		{"another partition", `["arn:aws-us-gov:iam::111122223333:role/x","` + reviewerBob + `"]`, "aws-us-gov", "not in partition aws"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(FromMap(with(map[string]string{"sce:outputReviewers": tc.list})))
			require.Error(t, err)
			var verr *ValidationError
			require.True(t, errors.As(err, &verr))
			found := false
			for _, p := range verr.Problems {
				if p.Key == "sce:outputReviewers" && strings.Contains(p.Message, tc.message) && strings.Contains(p.Value, tc.value) {
					found = true
				}
			}
			assert.True(t, found, "no problem of sce:outputReviewers quoting %q says %q: %v", tc.value, tc.message, err)
		})
	}
}
