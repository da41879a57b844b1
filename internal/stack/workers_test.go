package stack_test

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/cost"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
	"github.com/sce-project/sce/internal/worker"
)

// The test pool's pipeline: the object pipelines/run of the ancillary bucket, its checksum (a well-formed
// value, that of the empty file) and the command that runs it with arguments.
const (
	pipelineObject = "run"
	pipelineSum    = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	pipeline       = `["/opt/sce/pipeline/run","--threads","4"]`
)

func workersPlan(t *testing.T, changes map[string]string) *plan.Plan {
	t.Helper()
	c := map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineCommand": pipeline,
		"sce:workerPipelineObject": pipelineObject, "sce:workerPipelineSha256": pipelineSum}
	for k, v := range changes {
		c[k] = v
	}
	return planWith(t, c)
}

func TestNoWorkerPoolUnlessEnabled(t *testing.T) {
	p := planWith(t, nil)
	assert.Empty(t, p.Find("aws:autoscaling/group:Group", "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/policy:Policy"))
	assert.NotContains(t, in(p.Find("aws:kms/key:Key")[0], "policy"), "AWSServiceRoleForAutoScaling",
		"the key admits Auto Scaling only for a pool")
}

func TestWorkerLaunchTemplateIsDedicatedPrivateAndEncrypted(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:workerInstanceType": "r6i.2xlarge", "sce:workerScratchGb": "500"})
	lt := one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", "study-workers-template")
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	assert.Equal(t, "r6i.2xlarge", in(lt, "instanceType"))
	assert.Equal(t, "dedicated", lt.Inputs["placement"].(map[string]any)["tenancy"])
	assert.Equal(t, "terminate", in(lt, "instanceInitiatedShutdownBehavior"), "a powered-off worker is terminated")
	md := lt.Inputs["metadataOptions"].(map[string]any)
	assert.Equal(t, "required", md["httpTokens"], "IMDSv2 only")
	assert.EqualValues(t, 1, md["httpPutResponseHopLimit"])
	nics := lt.Inputs["networkInterfaces"].([]any)
	require.Len(t, nics, 1)
	nic := nics[0].(map[string]any)
	assert.Equal(t, "false", nic["associatePublicIpAddress"], "no public address")
	sg := one(t, p, "aws:ec2/securityGroup:SecurityGroup", "study-workers-sg")
	assert.Equal(t, []any{sg.ID}, nic["securityGroups"])

	sizes := map[string]any{}
	for _, m := range lt.Inputs["blockDeviceMappings"].([]any) {
		bd := m.(map[string]any)
		ebs := bd["ebs"].(map[string]any)
		assert.Equal(t, "true", ebs["encrypted"], bd["deviceName"])
		assert.Equal(t, key, ebs["kmsKeyId"], "%v: the project key", bd["deviceName"])
		assert.Equal(t, "true", ebs["deleteOnTermination"], "%v: nothing is left behind", bd["deviceName"])
		sizes[bd["deviceName"].(string)] = ebs["volumeSize"]
	}
	assert.EqualValues(t, map[string]any{"/dev/xvda": int64(30), components.WorkerScratchDevice: int64(500)}, sizes)

	profile := one(t, p, "aws:iam/instanceProfile:InstanceProfile", "study-workers-profile")
	assert.Equal(t, out(profile, "arn"), lt.Inputs["iamInstanceProfile"].(map[string]any)["arn"])

	// No ingress at all: the only rule is HTTPS out.
	for _, r := range p.Find("aws:ec2/securityGroupRule:SecurityGroupRule") {
		if in(r, "securityGroupId") == sg.ID {
			assert.Equal(t, "egress", in(r, "type"), r.Name)
			assert.EqualValues(t, 443, r.Inputs["fromPort"], r.Name)
		}
	}
}

func TestWorkerGroupRunsFromZeroInThePrivateSubnet(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:maxWorkers": "7"})
	g := one(t, p, "aws:autoscaling/group:Group", "study-workers-group")
	assert.EqualValues(t, 0, g.Inputs["minSize"])
	assert.EqualValues(t, 7, g.Inputs["maxSize"])
	assert.NotContains(t, g.Inputs, "desiredCapacity", "the queue sets the capacity")
	assert.Equal(t, []any{one(t, p, subnetType, "study-private-subnet").ID}, g.Inputs["vpcZoneIdentifiers"])
	assert.Equal(t, true, g.Inputs["protectFromScaleIn"], "scale-in never picks a busy worker")
	assert.Equal(t, "study-workers", in(g, "name"))
	lt := one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", "study-workers-template")
	assert.Equal(t, lt.ID, g.Inputs["launchTemplate"].(map[string]any)["id"])
}

func TestWorkerSteps(t *testing.T) {
	cases := []struct {
		max  int
		want []components.WorkerStep
	}{
		{1, []components.WorkerStep{{Backlog: 1, Workers: 1}}},
		{3, []components.WorkerStep{{Backlog: 1, Workers: 1}, {Backlog: 2, Workers: 2}, {Backlog: 3, Workers: 3}}},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, components.WorkerSteps(c.max), "max %d", c.max)
	}
	for _, max := range []int{5, 20, 21, 50, 100} {
		steps := components.WorkerSteps(max)
		assert.LessOrEqual(t, len(steps), 20, "max %d: Auto Scaling allows 20 steps", max)
		assert.Equal(t, 1, steps[0].Backlog, "max %d: one message starts a worker", max)
		assert.Equal(t, max, steps[len(steps)-1].Workers, "max %d: the last step reaches the maximum", max)
		for i := 1; i < len(steps); i++ {
			assert.Greater(t, steps[i].Workers, steps[i-1].Workers, "max %d: steps grow", max)
			assert.Equal(t, steps[i-1].Workers+1, steps[i].Backlog, "max %d: contiguous", max)
			assert.LessOrEqual(t, steps[i].Workers, steps[i].Backlog+max/20, "max %d: never far more workers than messages", max)
		}
	}
}

func TestWorkersScaleOnTheLedgerQueueBacklog(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:maxWorkers": "3"})
	policy := one(t, p, "aws:autoscaling/policy:Policy", "study-workers-scale-out")
	assert.Equal(t, "StepScaling", in(policy, "policyType"))
	assert.Equal(t, "ExactCapacity", in(policy, "adjustmentType"))
	var got []string
	for _, s := range policy.Inputs["stepAdjustments"].([]any) {
		m := s.(map[string]any)
		got = append(got, fmt.Sprintf("[%v,%v)->%v", m["metricIntervalLowerBound"], m["metricIntervalUpperBound"], m["scalingAdjustment"]))
	}
	assert.Equal(t, []string{"[0,1)->1", "[1,2)->2", "[2,<nil>)->3"}, got, "one worker per message, bounds relative to the threshold")

	alarm := one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "study-workers-backlog")
	assert.Equal(t, []any{out(policy, "arn")}, alarm.Inputs["alarmActions"])
	assert.EqualValues(t, 1, alarm.Inputs["threshold"])
	queue := one(t, p, "aws:sqs/queue:Queue", "study-ledger-queue")
	metrics := map[string]bool{}
	for _, q := range alarm.Inputs["metricQueries"].([]any) {
		m := q.(map[string]any)
		if metric, ok := m["metric"].(map[string]any); ok {
			assert.Equal(t, out(queue, "name"), metric["dimensions"].(map[string]any)["QueueName"], "the ledger's queue")
			metrics[metric["metricName"].(string)] = true
		} else {
			assert.Equal(t, "waiting + inwork", m["expression"])
			assert.Equal(t, true, m["returnData"])
		}
	}
	assert.Equal(t, map[string]bool{"ApproximateNumberOfMessagesVisible": true, "ApproximateNumberOfMessagesNotVisible": true}, metrics,
		"messages in work count, so a busy pool is not shrunk")
}

func TestWorkerPoolNotifiesStartAndLastStop(t *testing.T) {
	p := workersPlan(t, nil)
	topic := p.Find("aws:sns/topic:Topic")[0]
	running := one(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "study-workers-running")
	assert.Equal(t, "GroupInServiceInstances", in(running, "metricName"))
	assert.Equal(t, []any{out(topic, "arn")}, running.Inputs["alarmActions"], "the pool started")
	assert.Equal(t, []any{out(topic, "arn")}, running.Inputs["okActions"], "the last worker stopped")
	g := one(t, p, "aws:autoscaling/group:Group", "study-workers-group")
	assert.Contains(t, g.Inputs["enabledMetrics"], "GroupInServiceInstances", "the alarm's metric is collected")
	n := one(t, p, "aws:autoscaling/notification:Notification", "study-workers-notifications")
	assert.Equal(t, out(topic, "arn"), in(n, "topicArn"))
}

func TestWorkerRoleIsLeastPrivilege(t *testing.T) {
	p := workersPlan(t, nil)
	doc := policyOf(t, one(t, p, "aws:iam/policy:Policy", "study-workers-policy"), "policy")
	dataIn, output, ancillary := bucketOf(t, p, "data-in"), bucketOf(t, p, "output"), bucketOf(t, p, "ancillary")
	queue := one(t, p, "aws:sqs/queue:Queue", "study-ledger-queue")
	grants := map[string][]string{}
	for _, s := range doc.Statement {
		require.Equal(t, components.Allow, s.Effect)
		for _, a := range s.Action {
			grants[a] = append(grants[a], s.Resource...)
		}
	}
	assert.ElementsMatch(t, []string{out(dataIn, "arn") + "/*", out(output, "arn") + "/*", out(ancillary, "arn") + "/" + components.WorkerBinaryPrefix + "*",
		out(ancillary, "arn") + "/pipelines/run"},
		grants["s3:GetObject"], "reads data-in, its own results (to verify them), its own binary and exactly the configured pipeline object")
	assert.Equal(t, []string{out(output, "arn") + "/*"}, grants["s3:PutObject"], "writes output only")
	assert.Equal(t, []string{out(output, "arn") + "/*"}, grants["s3:AbortMultipartUpload"])
	assert.Equal(t, []string{out(queue, "arn")}, grants["sqs:DeleteMessage"])
	assert.Equal(t, []string{"arn:aws:autoscaling:us-west-2:111122223333:autoScalingGroup:*:autoScalingGroupName/study-workers"},
		grants["autoscaling:TerminateInstanceInAutoScalingGroup"], "leaves its own group only")
	for action := range grants {
		assert.NotContains(t, action, "*", "no wildcard actions")
		assert.NotContains(t, []string{"s3:DeleteObject", "s3:PutObjectAcl", "sqs:SendMessage"}, action)
	}
}

func TestWorkerUserDataStartsTheWorkerAndLeavesWhenIdle(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:workerIdleMinutes": "25"})
	lt := one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", "study-workers-template")
	raw, err := base64.StdEncoding.DecodeString(in(lt, "userData"))
	require.NoError(t, err)
	script := string(raw)
	queue := one(t, p, "aws:sqs/queue:Queue", "study-ledger-queue")
	for _, want := range []string{
		"SQS_QUEUE_URL=" + queue.ID,
		"OUTPUT_BUCKET=" + out(bucketOf(t, p, "output"), "bucket"),
		"IDLE_TIMEOUT=25m",
		"PIPELINE_COMMAND='" + pipeline + "'",
		"'s3://" + out(bucketOf(t, p, "ancillary"), "bucket") + "/pipelines/run' /root/sce-downloads/pipeline",
		"echo '" + pipelineSum + "  /root/sce-downloads/pipeline' | sha256sum --check --strict",
		"install -D -m 755 -o root -g root /root/sce-downloads/pipeline '/opt/sce/pipeline/run'",
		"mkfs.xfs -f -L sce-scratch",
		"OnSuccess=sce-worker-leave.service",
		"--should-decrement-desired-capacity",
		"User=sce-worker",
		"systemctl disable --now sshd",
		"RequiresMountsFor=/scratch",
		"-w /scratch -p rwa -k phi-access",
	} {
		assert.Contains(t, script, want)
	}
	binary := one(t, p, "aws:s3/bucketObjectv2:BucketObjectv2", "study-workers-binary")
	assert.Contains(t, script, "s3://"+out(bucketOf(t, p, "ancillary"), "bucket")+"/"+in(binary, "key"))
	assert.Equal(t, "aws:kms", in(binary, "serverSideEncryption"))
	assert.Equal(t, "SHA256", in(binary, "checksumAlgorithm"), "S3 checks the upload and keeps its SHA-256")
	sum, err := base64.StdEncoding.DecodeString(out(binary, "checksumSha256"))
	require.NoError(t, err)
	assert.Contains(t, script, "echo '"+hex.EncodeToString(sum)+"  /root/sce-downloads/sce-worker' | sha256sum --check --strict",
		"the worker installs its binary only if it is the object the deployment uploaded")
}

// TestWorkerUserDataConfiguresTheWorkerBinary reads the environment file the user data writes the way
// systemd does, and hands it to the worker's own configuration parser: the two sides of the contract.
func TestWorkerUserDataConfiguresTheWorkerBinary(t *testing.T) {
	p := workersPlan(t, map[string]string{"sce:workerIdleMinutes": "25"})
	raw, err := base64.StdEncoding.DecodeString(in(one(t, p, "aws:ec2/launchTemplate:LaunchTemplate", "study-workers-template"), "userData"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(raw), "<<'ENV'\n")
	require.True(t, ok, "the user data writes the environment file")
	body, _, ok := strings.Cut(rest, "\nENV\n")
	require.True(t, ok)
	env := map[string]string{}
	for _, line := range strings.Split(body, "\n") {
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, line)
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1] // systemd takes a single-quoted value literally
		}
		env[k] = v
	}
	c, err := worker.ParseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"/opt/sce/pipeline/run", "--threads", "4"}, c.Command)
	assert.Equal(t, 25*time.Minute, c.Idle)
	assert.Equal(t, components.WorkerScratchMount, c.Scratch)
	assert.Equal(t, components.WorkerMetricNamespace, c.MetricNamespace)
	assert.Equal(t, out(p.Find("aws:kms/key:Key")[0], "arn"), c.KMSKeyARN)
	assert.False(t, c.Shutdown, "the pool's worker leaves its group instead of powering off")
}

// TestWorkersCanReachTheirPipeline follows the pipeline's read through both policies on its path: the S3
// endpoint's, which must allow it, and the ancillary bucket's, whose only denials are for requests
// without TLS and for uploads.
func TestWorkersCanReachTheirPipeline(t *testing.T) {
	p := workersPlan(t, nil)
	ancillary := bucketOf(t, p, "ancillary")
	object := out(ancillary, "arn") + "/pipelines/run"
	endpoint := policyOf(t, one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint"), "policy")
	var allowedBy []string
	for _, s := range endpoint.Statement {
		if s.Effect == components.Allow && slices.Contains(s.Action, "s3:GetObject") && slices.ContainsFunc(s.Resource, func(r string) bool { return arnLike(r, object) }) {
			for op, keys := range s.Condition {
				for key, values := range keys {
					assert.Equal(t, "StringEquals aws:ResourceAccount [111122223333]", fmt.Sprint(op, " ", key, " ", values),
						"%s: the only condition is the bucket's account, which is the stack's", s.Sid)
				}
			}
			allowedBy = append(allowedBy, s.Sid)
		}
	}
	assert.NotEmpty(t, allowedBy, "the S3 endpoint policy lets the workers read %s", object)

	bucketPolicy := configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", ancillary)
	for _, s := range policyOf(t, bucketPolicy, "policy").Statement {
		if s.Effect != components.Deny || !slices.ContainsFunc(s.Action, func(a string) bool { return arnLike(a, "s3:GetObject") }) {
			continue
		}
		if s.Sid == "NoObjectAccessByInstanceRoles" {
			assert.Equal(t, components.Condition{"ArnEquals": {"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/study-workstation"}}}, s.Condition,
				"the deny of instance roles names the workstation's only, not the workers'")
			continue
		}
		assert.Equal(t, components.Condition{"Bool": {"aws:SecureTransport": {"false"}}}, s.Condition,
			"%s: the bucket denies a read only without TLS (aws s3 cp uses TLS)", s.Sid)
	}
}

// arnLike matches an IAM pattern (* and ?) against a value, as ArnLike and resource matching do.
func arnLike(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(s)
}

func TestWorkersRefuseToStartWithoutAPipeline(t *testing.T) {
	raw := baseConfig()
	raw["sce:workersEnabled"] = "true"
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw}, stack.Run)
	require.Error(t, err, "a pool with nothing to run is refused before anything is planned")
	assert.Contains(t, err.Error(), "sce:workerPipelineObject")
	assert.Contains(t, err.Error(), "sce:workerPipelineSha256")
}

func TestPipelineLocationIsTheSameInConfigAndComponents(t *testing.T) {
	assert.Equal(t, config.PipelineDir, components.WorkerPipelineDir, "config checks the command against the directory the worker installs into")
	assert.Equal(t, config.PipelinePrefix, components.WorkerPipelinePrefix)
	assert.Equal(t, config.PipelinePath("run"), components.WorkerPipeline{Name: "run"}.Path())
}

func TestKeyLetsAutoScalingEncryptWorkerVolumes(t *testing.T) {
	p := workersPlan(t, nil)
	doc := policyOf(t, p.Find("aws:kms/key:Key")[0], "policy")
	role := "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	var sids []string
	for _, s := range doc.Statement {
		if s.Principal != nil && len(s.Principal.AWS) == 1 && s.Principal.AWS[0] == role {
			sids = append(sids, s.Sid)
			if strings.Contains(strings.Join(s.Action, ","), "CreateGrant") {
				assert.Equal(t, []string{"true"}, s.Condition["Bool"]["kms:GrantIsForAWSResource"])
			}
		}
	}
	assert.ElementsMatch(t, []string{"AutoScalingUsesKeyForWorkerVolumes", "AutoScalingAttachesWorkerVolumes"}, sids)
}

func TestGoArchFollowsTheInstanceFamily(t *testing.T) {
	for typ, want := range map[string]string{"c5.xlarge": "amd64", "m7g.large": "arm64", "r6gd.2xlarge": "arm64", "c6in.large": "amd64"} {
		assert.Equal(t, want, stack.GoArch(typ), typ)
	}
}

func TestWorkerPoolIsPricedPerWorkerHourOutsideTheTotals(t *testing.T) {
	without := cost.Estimate(planWith(t, nil), cost.DefaultAssumptions())
	with := cost.Estimate(workersPlan(t, map[string]string{"sce:workerScratchGb": "270"}), cost.DefaultAssumptions())
	var found []string
	for _, it := range with.Items {
		if strings.HasSuffix(it.URN, "::study-workers-group") {
			found = append(found, it.Note)
			assert.Zero(t, it.Monthly, "the hours the workers run cannot be assumed")
			assert.False(t, it.Unpriced)
		}
	}
	require.Len(t, found, 1)
	// c5.xlarge at $0.17/h, and 300 GB of gp3 at $0.08 a GB-month over 730 h.
	assert.Contains(t, found[0], "$0.2029 per worker-hour (c5.xlarge and 300 GB of gp3)")
	assert.InDelta(t, without.Monthly+1.72+2*0.10, with.Monthly, 0.001, "only the workers' log group and their two alarms add to the monthly total")
}

// TestWorkersNeedAutoScalingsServiceLinkedRole: in a fresh account the role does not exist, and KMS would
// refuse the key policy that names it; the program stops before the key with the command that creates it.
func TestWorkersNeedAutoScalingsServiceLinkedRole(t *testing.T) {
	raw := baseConfig()
	for k, v := range map[string]string{"sce:workersEnabled": "true", "sce:workerPipelineObject": pipelineObject,
		"sce:workerPipelineSha256": pipelineSum, "sce:workerPipelineCommand": pipeline} {
		raw[k] = v
	}
	rec := plan.NewRecorder(plan.Project, "test", "us-west-2", "aws").WithoutRoles(stack.AutoScalingServiceLinkedRoleName)
	_, err := plan.Run(plan.Options{Stack: "test", Config: raw, Recorder: rec}, stack.Run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com")
	for _, r := range rec.Resources() {
		assert.NotEqual(t, "aws:kms/key:Key", r.Type, "nothing that names the role is registered")
	}

	_, err = plan.Run(plan.Options{Stack: "test", Config: baseConfig(), Recorder: plan.NewRecorder(plan.Project, "test", "us-west-2", "aws").
		WithoutRoles(stack.AutoScalingServiceLinkedRoleName)}, stack.Run)
	assert.NoError(t, err, "without workers the role is not needed")
}
