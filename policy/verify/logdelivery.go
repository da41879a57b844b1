package verify

import (
	"fmt"
	"strings"
)

// logDeliveries: the services that write into CloudWatch Logs as a role of the stack, derived from the
// flow logs and trails that name a log group and a role. CloudWatch Logs authorises CreateLogStream and
// PutLogEvents on the log stream's ARN, DescribeLogStreams on the log group's (the Service Authorization
// Reference's resource types, as cfn-lint's data/AdditionalSpecs/Policies.json holds them):
//
//   - VPC flow logs: vpc-flow-logs.amazonaws.com assumes the flow log's role with aws:SourceAccount and
//     the flow log's ARN as aws:SourceArn, then creates a stream per network interface and puts its
//     events (Amazon VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs",
//     https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html);
//   - CloudTrail: cloudtrail.amazonaws.com assumes the trail's CloudWatch Logs role with the trail's ARN
//     as aws:SourceArn, then writes the streams <account>_CloudTrail_<region> and, when the volume is
//     large, <account>_CloudTrail_<region>_<number> (AWS CloudTrail User Guide, "CloudWatch log group and
//     log stream naming for CloudTrail",
//     https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html);
//
// and each service on behalf of another account, which the trust policy must refuse. The key the log
// group is encrypted with is CloudWatch Logs' to use (the cloudWatchLogs flows).
func (sv *services) logDeliveries() []Flow {
	var out []Flow
	groupARN := func(v string) string { return strings.TrimSuffix(v, ":*") }
	trailGroup := "/sce/" + sv.pit + "/cloudtrail"
	for _, fl := range sv.s.OfType("aws:ec2/flowLog:FlowLog") {
		if str(fl.Props["logDestinationType"]) != "cloud-watch-logs" {
			continue
		}
		group := groupARN(str(fl.Props["logDestination"]))
		role, trust, ok := sv.roleByARN(str(fl.Props["iamRoleArn"]))
		if !ok {
			out = append(out, broken("VPC flow logs deliver into "+group, str(fl.Props["iamRoleArn"]), "the flow log's role is not one of the stack's"))
			continue
		}
		source := arnOf(fl)
		if source == "" && fl.ID != "" {
			source = fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/%s", sv.region, sv.account, fl.ID)
		}
		stream := group + ":log-stream:eni-0123456789abcdef0-all"
		out = append(out,
			sv.judge("VPC flow logs assume the flow log's role (aws:SourceAccount, the flow log as aws:SourceArn) and deliver into "+groupName(group)+" (logs:CreateLogStream, PutLogEvents, DescribeLogStreams)", Allowed,
				assume("vpc-flow-logs.amazonaws.com", role.arn, trust, sv.account, source),
				role.as("logs:CreateLogStream", stream, nil, nil, sv.account),
				role.as("logs:PutLogEvents", stream, nil, nil, sv.account),
				role.as("logs:DescribeLogStreams", group, nil, nil, sv.account)),
			sv.judge("VPC flow logs of another account assume the flow log's role", Denied,
				assume("vpc-flow-logs.amazonaws.com", role.arn, trust, otherAccount, fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/fl-0123456789abcdef0", sv.region, otherAccount))),
			sv.judge("the flow log's role writes into another of the project's log groups ("+trailGroup+")", Denied,
				role.as("logs:PutLogEvents", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:log-stream:x", sv.region, sv.account, trailGroup), nil, nil, sv.account)),
		)
	}
	for _, t := range sv.s.OfType("aws:cloudtrail/trail:Trail") {
		group := groupARN(str(t.Props["cloudWatchLogsGroupArn"]))
		if group == "" {
			continue
		}
		role, trust, ok := sv.roleByARN(str(t.Props["cloudWatchLogsRoleArn"]))
		if !ok {
			out = append(out, broken("CloudTrail delivers into "+group, str(t.Props["cloudWatchLogsRoleArn"]), "the trail's CloudWatch Logs role is not one of the stack's"))
			continue
		}
		trail := arnOf(t)
		streams := []string{
			fmt.Sprintf("%s:log-stream:%s_CloudTrail_%s", group, sv.account, sv.region),
			fmt.Sprintf("%s:log-stream:%s_CloudTrail_%s_2", group, sv.account, sv.region),
		}
		calls := []call{assume("cloudtrail.amazonaws.com", role.arn, trust, sv.account, trail)}
		for _, s := range streams {
			calls = append(calls, role.as("logs:CreateLogStream", s, nil, nil, sv.account), role.as("logs:PutLogEvents", s, nil, nil, sv.account))
		}
		other := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/other", sv.region, otherAccount)
		out = append(out,
			sv.judge("CloudTrail assumes the trail's CloudWatch Logs role (the trail as aws:SourceArn) and writes its streams into "+groupName(group)+" (logs:CreateLogStream, PutLogEvents)", Allowed, calls...),
			sv.judge("another account's trail assumes the trail's CloudWatch Logs role", Denied,
				assume("cloudtrail.amazonaws.com", role.arn, trust, otherAccount, other)),
		)
	}
	return out
}

// groupName returns the name of a log group from its ARN.
func groupName(arn string) string {
	if _, name, ok := strings.Cut(arn, ":log-group:"); ok {
		return name
	}
	return arn
}
