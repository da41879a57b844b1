package verify

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// workerSettings is what the workers' boot script tells the worker (components/userdata/worker.sh.tmpl):
// its environment file's variables, and the S3 URIs it downloads at boot.
type workerSettings struct {
	env              map[string]string
	binary, pipeline string
}

var (
	envLine = regexp.MustCompile(`(?m)^([A-Z][A-Z0-9_]*)=(.*)$`)
	// s3Copy is a download of the script: aws s3 cp ... 's3://bucket/key' destination.
	s3Copy = regexp.MustCompile(`(?m)^aws s3 cp .*'(s3://[^']+)'`)
)

// workers returns the workers' launch template and the settings its user data gives them; ok is false
// without workers, or while the user data is unknown.
func (m *model) workers() (*engine.Resource, workerSettings, bool) {
	var lt *engine.Resource
	for _, r := range m.s.OfType("aws:ec2/launchTemplate:LaunchTemplate") {
		if strings.HasSuffix(r.Name, "-workers-template") {
			lt = r
		}
	}
	if lt == nil {
		return nil, workerSettings{}, false
	}
	script, err := base64.StdEncoding.DecodeString(str(lt.Props["userData"]))
	if err != nil || len(script) == 0 {
		return lt, workerSettings{}, false
	}
	ws := workerSettings{env: map[string]string{}}
	for _, match := range s3Copy.FindAllStringSubmatch(string(script), -1) {
		switch {
		case strings.Contains(match[1], "/pipelines/"):
			ws.pipeline = match[1]
		case strings.Contains(match[1], "/software/"):
			ws.binary = match[1]
		}
	}
	for _, match := range envLine.FindAllStringSubmatch(string(script), -1) {
		ws.env[match[1]] = strings.Trim(match[2], "'")
	}
	return lt, ws, true
}

// workerFlows: what each worker does besides reading data-in and writing output (access flows), derived
// from its launch template, its user data and its group (internal/worker and the boot script make these
// calls):
//
//   - ReceiveMessage, ChangeMessageVisibility and DeleteMessage on the queue of SQS_QUEUE_URL, through the
//     queue's policy, SQS decrypting the messages with the project key (Amazon SQS Developer Guide, "Key
//     management": a consumer needs kms:Decrypt);
//   - PutMetricData in METRIC_NAMESPACE, which the role's cloudwatch:namespace condition must admit (and
//     no other namespace);
//   - TerminateInstanceInAutoScalingGroup on its own group when idle (and on no other group);
//   - and EC2 Auto Scaling's service-linked role using the project key for the workers' encrypted volumes
//     and for its notifications to the encrypted topic, which the key policy must allow it directly (EC2
//     Auto Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes",
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html).
func (sv *services) workerFlows() []Flow {
	lt, ws, ok := sv.workers()
	if lt == nil {
		return nil
	}
	if !ok {
		return []Flow{{Flow: "the workers take work from the queue", Expected: Allowed, Result: Unknown, Why: "the workers' user data is unknown until deployment"}}
	}
	var out []Flow
	role, _, found := sv.roleByARN(sv.profileRole(str(lookup(lt.Props, "iamInstanceProfile", "arn"))))
	if !found {
		return []Flow{broken("the workers run as their role", str(lookup(lt.Props, "iamInstanceProfile", "arn")), "the launch template's instance profile names no role of the stack")}
	}
	if queue := sv.byOutput("aws:sqs/queue:Queue", "url", ws.env["SQS_QUEUE_URL"]); queue != nil {
		policy, exists := sv.queuePolicy(queue)
		var calls []call
		for _, a := range []string{"sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage"} {
			calls = append(calls, on(role.as(a, arnOf(queue), nil, nil, sv.account), policy, exists))
		}
		plain := calls[0]
		plain.ctx = with(plain.ctx, "aws:SecureTransport", "false")
		calls = append(calls, sv.keyThrough(role, "sqs", str(queue.Props["kmsMasterKeyId"]), "aws:sqs:arn", arnOf(queue), "kms:Decrypt")...)
		out = append(out,
			sv.judge("the workers take an object from "+str(queue.Props["name"])+" (sqs:ReceiveMessage, ChangeMessageVisibility, DeleteMessage; the project key through SQS)", Allowed, calls...),
			sv.judge("the workers receive from "+str(queue.Props["name"])+" without TLS", Denied, plain),
		)
	} else {
		out = append(out, broken("the workers take work from the queue", ws.env["SQS_QUEUE_URL"], fmt.Sprintf("SQS_QUEUE_URL %q names no queue of the stack", ws.env["SQS_QUEUE_URL"])))
	}
	if ns := ws.env["METRIC_NAMESPACE"]; ns != "" {
		out = append(out,
			sv.judge("the workers publish ObjectsProcessed and ObjectsFailed in "+ns+" (cloudwatch:PutMetricData)", Allowed,
				role.as("cloudwatch:PutMetricData", "*", map[string][]string{"cloudwatch:namespace": {ns}}, nil, sv.account)),
			sv.judge("the workers publish metrics in another namespace (AWS/EC2)", Denied,
				role.as("cloudwatch:PutMetricData", "*", map[string][]string{"cloudwatch:namespace": {"AWS/EC2"}}, nil, sv.account)),
		)
	}
	for _, g := range sv.s.OfType("aws:autoscaling/group:Group") {
		if str(lookup(g.Props, "launchTemplate", "id")) != lt.ID {
			continue
		}
		group := func(name string) string {
			return fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9:autoScalingGroupName/%s", sv.region, sv.account, name)
		}
		name := str(g.Props["name"])
		out = append(out,
			sv.judge("a worker leaves its group "+name+" when idle (autoscaling:TerminateInstanceInAutoScalingGroup)", Allowed,
				role.as("autoscaling:TerminateInstanceInAutoScalingGroup", group(name), nil, nil, sv.account)),
			sv.judge("a worker terminates an instance of another group", Denied,
				role.as("autoscaling:TerminateInstanceInAutoScalingGroup", group("another-project-workers"), nil, nil, sv.account)),
		)
	}
	return append(out, sv.autoScalingKey(lt)...)
}

// autoScalingKey: EC2 Auto Scaling's service-linked role, named directly by the key policy (its own
// permissions policy is AWS's, outside the plan), creates the workers' encrypted volumes and publishes to
// the encrypted topic.
func (sv *services) autoScalingKey(lt *engine.Resource) []Flow {
	slr := principal{arn: fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", sv.account)}
	kms := func(action string, ctx map[string][]string) call {
		c := slr.as(action, sv.key, ctx, nil, sv.account)
		c.needsIdentity = false
		return c
	}
	var out []Flow
	mappings, _ := lt.Props["blockDeviceMappings"].([]any)
	encrypted := 0
	for _, bd := range mappings {
		if str(lookup(bd, "ebs", "kmsKeyId")) == sv.key {
			encrypted++
		}
	}
	if encrypted > 0 {
		ebs := viaService("ec2", sv.region, "aws:ebs:id", "vol-0123456789abcdef0")
		out = append(out, sv.judge(fmt.Sprintf("EC2 Auto Scaling launches a worker with %d volumes encrypted by the project key (its service-linked role: kms:GenerateDataKeyWithoutPlaintext, Decrypt, ReEncrypt, DescribeKey, and CreateGrant for an AWS resource)", encrypted), Allowed,
			kms("kms:GenerateDataKeyWithoutPlaintext", ebs), kms("kms:Decrypt", ebs), kms("kms:ReEncryptFrom", ebs), kms("kms:DescribeKey", nil),
			kms("kms:CreateGrant", with(viaService("ec2", sv.region), "kms:GrantIsForAWSResource", "true"))))
	}
	for _, n := range sv.s.OfType("aws:autoscaling/notification:Notification") {
		topic := sv.byOutput("aws:sns/topic:Topic", "arn", str(n.Props["topicArn"]))
		if topic == nil || str(topic.Props["kmsMasterKeyId"]) != sv.key {
			continue
		}
		ctx := viaService("sns", sv.region, "aws:sns:topicArn", arnOf(topic))
		out = append(out, sv.judge("EC2 Auto Scaling's notifications to the encrypted topic "+str(topic.Props["name"])+" use the project key (kms:GenerateDataKey, Decrypt by its service-linked role)", Allowed,
			kms("kms:GenerateDataKey", ctx), kms("kms:Decrypt", ctx)))
	}
	return out
}

// profileRole returns the ARN of the role of the instance profile with that ARN or name.
func (m *model) profileRole(profile string) string {
	for _, p := range m.s.OfType("aws:iam/instanceProfile:InstanceProfile") {
		if p.ID != profile && str(p.Outputs["name"]) != profile && arnOf(p) != profile {
			continue
		}
		for _, r := range m.s.OfType("aws:iam/role:Role") {
			if r.ID == str(p.Props["role"]) || str(r.Outputs["name"]) == str(p.Props["role"]) {
				return arnOf(r)
			}
		}
	}
	return ""
}
