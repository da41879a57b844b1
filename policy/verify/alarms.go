package verify

import (
	"fmt"
	"sort"
)

// alarms: the CloudWatch alarms notify their topics. CloudWatch publishes as cloudwatch.amazonaws.com
// with the alarm's ARN as aws:SourceArn and its account as aws:SourceAccount, which the topic's policy
// must allow, and to an encrypted topic only if the key policy lets it generate and decrypt the data key
// (Amazon SNS Developer Guide, "Managing Amazon SNS encryption keys and costs", section "Enable
// compatibility between event sources from AWS services and encrypted topics": CloudWatch needs
// kms:GenerateDataKey* and kms:Decrypt on the topic's key,
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html). Another account's alarm may not.
func (sv *services) alarms() []Flow {
	byTopic := map[string][]string{}
	for _, a := range sv.s.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		actions, _ := a.Props["alarmActions"].([]any)
		for _, action := range actions {
			if arn := arnOf(a); arn != "" {
				byTopic[str(action)] = append(byTopic[str(action)], arn)
			}
		}
	}
	var topics []string
	for t := range byTopic {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	var out []Flow
	for _, arn := range topics {
		topic := sv.byOutput("aws:sns/topic:Topic", "arn", arn)
		if topic == nil {
			continue // a topic outside the stack (another stack's alert topic): its policies are not in the plan
		}
		policy, exists := sv.topicPolicy(topic)
		encrypted := str(topic.Props["kmsMasterKeyId"]) == sv.key
		publish := func(alarm, account string) []call {
			ctx := map[string][]string{"aws:SourceArn": {alarm}, "aws:SourceAccount": {account}, "aws:SecureTransport": {"true"}}
			calls := []call{on(call{principal: "cloudwatch.amazonaws.com", action: "sns:Publish", resource: arn, ctx: ctx}, policy, exists)}
			if encrypted {
				for _, a := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
					calls = append(calls, call{principal: "cloudwatch.amazonaws.com", action: a, resource: sv.key,
						ctx: with(with(ctx, "kms:ViaService", "sns."+sv.region+".amazonaws.com"), "kms:EncryptionContext:aws:sns:topicArn", arn)})
				}
			}
			return calls
		}
		var calls []call
		for _, alarm := range byTopic[arn] {
			calls = append(calls, publish(alarm, sv.account)...)
		}
		other := fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:other", sv.region, otherAccount)
		out = append(out,
			sv.judge(fmt.Sprintf("the CloudWatch alarms (%d) notify the topic %s (sns:Publish with the alarm as aws:SourceArn; the project key for the encrypted topic)", len(byTopic[arn]), str(topic.Props["name"])), Allowed, calls...),
			sv.judge("another account's CloudWatch alarm notifies the topic "+str(topic.Props["name"]), Denied, publish(other, otherAccount)[0]),
		)
	}
	return out
}

// redshiftCopy: Redshift assumes each role associated with a cluster for the database user that runs the
// load, which the role's trust policy names by sts:ExternalId (Redshift Management Guide, "Restricting
// access to IAM roles", https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-database-users.html:
// arn:aws:redshift:<region>:<account>:dbuser:<cluster>/<user>); another database user of the cluster may
// not.
func (sv *services) redshiftCopy() []Flow {
	var out []Flow
	for _, c := range sv.s.OfType("aws:redshift/cluster:Cluster") {
		cluster, admin := str(c.Props["clusterIdentifier"]), str(c.Props["masterUsername"])
		roles, _ := c.Props["iamRoles"].([]any)
		for _, v := range roles {
			role, trust, ok := sv.roleByARN(str(v))
			if !ok {
				out = append(out, broken("Redshift assumes the cluster's role "+str(v), str(v), "the cluster names a role the stack does not hold"))
				continue
			}
			user := func(name string) call {
				c := assume("redshift.amazonaws.com", role.arn, trust, sv.account, "")
				c.ctx = with(c.ctx, "sts:ExternalId", fmt.Sprintf("arn:aws:redshift:%s:%s:dbuser:%s/%s", sv.region, sv.account, cluster, name))
				return c
			}
			out = append(out,
				sv.judge(fmt.Sprintf("Redshift assumes the COPY role for the cluster's administrator %s (sts:ExternalId the database user)", admin), Allowed, user(admin)),
				sv.judge("Redshift assumes the COPY role for another database user of the cluster", Denied, user("ohdsi_reader")),
			)
		}
	}
	return out
}
