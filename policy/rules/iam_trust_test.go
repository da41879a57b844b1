package rules

import (
	"testing"

	"github.com/sce-project/sce/policy/engine"
	"github.com/stretchr/testify/require"
)

func TestIAMTrustPolicyConfusedDeputy(t *testing.T) {
	trust := func(statement string) *engine.Resource {
		return res(t, iamRoleType, "r", `{"assumeRolePolicy":`+iamQuoted(t, `{"Version":"2012-10-17","Statement":[`+statement+`]}`)+`}`)
	}
	checkRule(t, "iam-trust-policy-confused-deputy", []ruleCase{
		{name: "the flow log role's trust, pinned to the account and the flow logs, is compliant", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":["vpc-flow-logs.amazonaws.com"]},"Action":["sts:AssumeRole"],` +
				`"Condition":{"StringEquals":{"aws:SourceAccount":["111122223333"]},"ArnLike":{"aws:SourceArn":["arn:aws:ec2:us-east-1:111122223333:vpc-flow-log/*"]}}}`)}},
		{name: "a source account condition alone is compliant", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:SourceAccount":"111122223333"}}}`)}},
		{name: "a source ARN condition alone is compliant", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:backup:us-east-1:111122223333:backup-vault:v"}}}`)}},
		{name: "condition keys are matched regardless of case", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"AWS:sourceaccount":"111122223333"}}}`)}},
		{name: "a service without a source condition violates", rs: []*engine.Resource{trust(
			`{"Sid":"FlowLogs","Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}`)},
			want: `assumeRolePolicy statement 0 (sid "FlowLogs") lets the service "vpc-flow-logs.amazonaws.com" assume the role without an aws:SourceAccount or aws:SourceArn condition`},
		{name: "an IfExists condition does not pin the source", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}}`)},
			want: `"logs.amazonaws.com" assume the role without`},
		{name: "a condition on another key does not pin the source", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}`)},
			want: "without an aws:SourceAccount"},
		{name: "Redshift restricted to a database user by sts:ExternalId is compliant", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole",` +
				`"Condition":{"StringEquals":{"sts:ExternalId":["arn:aws:redshift:us-west-2:111122223333:dbuser:study-omop/sce_admin"]}}}`)}},
		{name: "Redshift without any condition violates", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}`)},
			want: `lets the service "redshift.amazonaws.com" assume the role without`},
		{name: "an external id spares only the service that sends one", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}`)},
			want: `lets the service "logs.amazonaws.com" assume the role without`},
		{name: "an external id under an IfExists operator does not restrict Redshift", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"sts:ExternalId":"x"}}}`)},
			want: `"redshift.amazonaws.com" assume the role without`},
		{name: "EC2, which sends no source keys, is exempt", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)}},
		{name: "Lambda, which sends no source keys, is exempt", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}`)}},
		{name: "an exempt service beside another only spares itself", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ssm.amazonaws.com"]},"Action":"sts:AssumeRole"}`)},
			want: `lets the service "ssm.amazonaws.com" assume`},
		{name: "the second statement is named", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},` +
				`{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:*"}`)},
			want: `statement 1 lets the service "events.amazonaws.com"`},
		{name: "an account principal is not a service", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`)}},
		{name: "a deny is compliant", rs: []*engine.Resource{trust(
			`{"Effect":"Deny","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole"}`)}},
		{name: "a statement that does not allow AssumeRole is not judged", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:TagSession"}`)}},
		{name: "the trust policy held as an object is judged too", rs: []*engine.Resource{res(t, iamRoleType, "r",
			`{"assumeRolePolicy":{"Statement":{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sts:AssumeRole"}}}`)},
			want: `"sns.amazonaws.com"`},
		{name: "a role without a trust policy is not judged", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"name":"r"}`)}},
		{name: "a trust policy that is not valid JSON violates", rs: []*engine.Resource{res(t, iamRoleType, "r", `{"assumeRolePolicy":"{not json"}`)},
			want: "assumeRolePolicy: policy is not valid JSON"},
		{name: "a principal of the wrong shape violates", rs: []*engine.Resource{trust(
			`{"Effect":"Allow","Principal":{"Service":{"name":"logs"}},"Action":"sts:AssumeRole"}`)}, want: "principal Service: an object is not a string"},
	})
	t.Run("an exempt service beside another is not named in the finding", func(t *testing.T) {
		fs := findingsOf(t, "iam-trust-policy-confused-deputy", trust(
			`{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ssm.amazonaws.com"]},"Action":"sts:AssumeRole"}`))
		require.Len(t, fs, 1)
		require.NotContains(t, fs[0].Message, "ec2.amazonaws.com")
	})
	checkRule(t, "iam-trust-policy-confused-deputy", []ruleCase{
		{name: "an unknown trust policy is undecided", rs: []*engine.Resource{iamUnknown(t, iamRoleType, "r", "assumeRolePolicy")},
			want: "assumeRolePolicy is unknown until deployment", undecided: true},
	})
}
