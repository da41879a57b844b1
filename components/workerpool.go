package components

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Worker pool settings.
const (
	// RoleWorker names the workers' user data, log group and role.
	RoleWorker = "worker"
	// WorkerScratchDevice is the block device name of the scratch volume; Amazon Linux links /dev/sdf to
	// its NVMe device.
	WorkerScratchDevice = "/dev/sdf"
	// WorkerScratchMount is where the scratch volume is mounted.
	WorkerScratchMount = "/scratch"
	// WorkerMetricNamespace is the CloudWatch namespace of the workers' own metrics.
	WorkerMetricNamespace = "SCE/Workers"
	// WorkerBinaryPrefix is the key prefix of the worker binary in the ancillary bucket.
	WorkerBinaryPrefix = "software/sce-worker/"
	// WorkerPipelinePrefix is the key prefix, in the ancillary bucket, of the pipelines the builder uploads.
	WorkerPipelinePrefix = "pipelines/"
	// WorkerPipelineDir is where a worker installs its pipeline: root-owned, read-only to the worker's
	// service (ProtectSystem=strict).
	WorkerPipelineDir = "/opt/sce/pipeline"
	// workerWarmupSeconds is how long a new worker takes to boot, patch and start polling.
	workerWarmupSeconds = 300
	// maxStepAdjustments is Auto Scaling's limit of step adjustments in one policy.
	maxStepAdjustments = 20
)

// WorkerPoolArgs configures the scale-out worker pool.
type WorkerPoolArgs struct {
	// PIT is the Project Identifier Tag. Required.
	PIT string
	// ARNs gives the partition, region and account. Required.
	ARNs ARNs
	// VPCID and SubnetID place the workers: the private subnet. Required.
	VPCID, SubnetID pulumi.StringInput
	// InstanceType is an m-, c- or r-family type; AMI the Amazon Linux 2023 image of its architecture.
	InstanceType, AMI string
	// MaxWorkers bounds the group, which runs from 0 to MaxWorkers.
	MaxWorkers int
	// ScratchGiB is the size of each worker's encrypted scratch volume.
	ScratchGiB int
	// Pipeline is the file each worker installs from the Software bucket before it starts. Required.
	Pipeline WorkerPipeline
	// PipelineCommand is what a worker runs on each object: it names Pipeline.Path() (config checks it);
	// IdleMinutes without work end a worker.
	PipelineCommand string
	IdleMinutes     int
	// KMSKeyARN encrypts the volumes, the results and the log group. Required.
	KMSKeyARN pulumi.StringInput
	// QueueName, QueueURL and QueueARN are the queue of objects to process (the upload ledger's). Required.
	QueueName, QueueURL, QueueARN pulumi.StringInput
	// Input is read (data-in), Output written (results), Software holds the worker binary (ancillary).
	Input, Output, Software *EncryptedBucket
	// Binary is the worker executable for the instance type's architecture. Required.
	Binary pulumi.Asset
	// TopicARN receives the pool's notifications. Required.
	TopicARN pulumi.StringInput
	// LogRetentionDays is the workers' log group retention; Protect marks it protected.
	LogRetentionDays int
	Protect          bool
	// Egress is what a worker's first boot needs to reach the repositories, S3 and the queue
	// (SecureVPC.PrivateEgress): the group waits for it before it can launch a worker. Required.
	Egress []pulumi.Resource
}

// WorkerPipeline is the pipeline the builder uploads to the ancillary bucket as pipelines/<Name>: one
// executable file, checked against SHA256 before a worker installs it at Path(). The workers' role may read
// that one object.
type WorkerPipeline struct {
	// Name is the file's name: a plain path segment. Required.
	Name string
	// SHA256 is the file's checksum, 64 lower-case hex digits. Required.
	SHA256 string
}

// Key is the pipeline's key in the ancillary bucket.
func (p WorkerPipeline) Key() string { return WorkerPipelinePrefix + p.Name }

// Path is where a worker installs the pipeline.
func (p WorkerPipeline) Path() string { return WorkerPipelineDir + "/" + p.Name }

// safePipelineName is a file name that is a plain S3 key segment and path segment.
var safePipelineName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// check refuses a pipeline whose name is not a plain file name or whose digest is not sha256 hex.
func (p WorkerPipeline) check() error {
	if !safePipelineName.MatchString(p.Name) || !sha256Hex.MatchString(p.SHA256) {
		return fmt.Errorf("a pipeline is required: a plain file name (got %q) and its sha256 (got %q)", p.Name, p.SHA256)
	}
	return nil
}

// WorkerPool is the seed's "Launch W x 5 Dedicated instances": an Auto Scaling group of dedicated,
// private workers that grows with the queue and that each worker leaves when it has been idle.
type WorkerPool struct {
	pulumi.ResourceState

	SecurityGroup  *ec2.SecurityGroup
	LaunchTemplate *ec2.LaunchTemplate
	Group          *autoscaling.Group
	// GroupName is the group's name, fixed so that the workers' role can name it before it exists.
	GroupName string
	// RoleARN is the workers' instance role's ARN: the principal of their reads and writes of PHI.
	RoleARN pulumi.StringOutput
}

// WorkerGroupName is the Auto Scaling group name of a project's workers.
func WorkerGroupName(pit string) string { return pit + "-workers" }

// check refuses arguments that lack a required value, name an instance type workers may not use, or
// whose pipeline is malformed.
func (a *WorkerPoolArgs) check(name string) error {
	if a == nil || a.PIT == "" || a.ARNs.AccountID == "" || a.VPCID == nil || a.SubnetID == nil || a.AMI == "" ||
		a.KMSKeyARN == nil || a.QueueName == nil || a.QueueURL == nil || a.QueueARN == nil || a.Input == nil ||
		a.Output == nil || a.Software == nil || a.Binary == nil || a.TopicARN == nil || len(a.Egress) == 0 {
		return fmt.Errorf("worker pool %s: PIT, account, VPC, subnet, egress, AMI, key, queue, buckets, binary and topic are required", name)
	}
	if msg := CheckWorkerInstanceType(a.InstanceType); msg != "" {
		return fmt.Errorf("worker pool %s: instance type %q %s", name, a.InstanceType, msg)
	}
	if a.MaxWorkers < 1 || a.ScratchGiB < 1 || a.IdleMinutes < 1 || a.PipelineCommand == "" {
		return fmt.Errorf("worker pool %s: at least one worker, a scratch volume, an idle time and a pipeline command are required", name)
	}
	if err := a.Pipeline.check(); err != nil {
		return fmt.Errorf("worker pool %s: %w", name, err)
	}
	return nil
}

// CheckWorkerInstanceType refuses burstable types, which cannot run with dedicated tenancy.
func CheckWorkerInstanceType(t string) string {
	if len(t) < 2 || t[0] == 't' && t[1] >= '0' && t[1] <= '9' {
		return "is burstable or empty; accepted: an m-, c- or r-family type"
	}
	return ""
}

// NewWorkerPool creates the pool: its security group (no ingress), role, log group, launch template and
// Auto Scaling group, the step scaling on the queue, and the notifications.
func NewWorkerPool(ctx *pulumi.Context, name string, args *WorkerPoolArgs, opts ...pulumi.ResourceOption) (*WorkerPool, error) {
	if err := args.check(name); err != nil {
		return nil, err
	}
	a := *args
	w := &WorkerPool{GroupName: WorkerGroupName(a.PIT)}
	child, parent, err := registerComponent(ctx, "sce:compute:WorkerPool", "worker pool", name, w, opts...)
	if err != nil {
		return nil, err
	}

	w.SecurityGroup, err = ec2.NewSecurityGroup(ctx, child("sg"), &ec2.SecurityGroupArgs{
		VpcId:       a.VPCID,
		Description: pulumi.Sprintf("Workers of %s: no inbound traffic; HTTPS out", a.PIT),
		Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-workers")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create worker security group: %w", err)
	}
	if err := addSecurityRules(ctx, child, w.SecurityGroup, []securityRule{
		{suffix: "https-out", egress: true, port: PortHTTPS, cidrs: []string{AnyIPv4}, why: "S3 through the endpoint; SQS, CloudWatch, Auto Scaling and updates through the NAT gateway"},
	}, parent); err != nil {
		return nil, err
	}

	binary, err := s3.NewBucketObjectv2(ctx, child("binary"), &s3.BucketObjectv2Args{
		Bucket:               a.Software.Bucket.ID(),
		Key:                  pulumi.String(WorkerBinaryPrefix + a.InstanceType + "/sce-worker"),
		Source:               a.Binary,
		ServerSideEncryption: pulumi.String("aws:kms"),
		KmsKeyId:             a.KMSKeyARN,
		BucketKeyEnabled:     pulumi.Bool(true),
		// S3 checks the upload against its SHA-256 and keeps the digest, which the workers check their
		// download against.
		ChecksumAlgorithm: pulumi.String("SHA256"),
		Tags:              pulumi.StringMap{"Name": pulumi.String(a.PIT + "-worker-binary")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("upload worker binary: %w", err)
	}

	_, groupName, err := newInstanceLogGroup(ctx, child, a.PIT, RoleWorker, a.KMSKeyARN, a.LogRetentionDays, a.Protect, parent)
	if err != nil {
		return nil, err
	}
	profile, role, err := newInstanceRole(ctx, child, instanceRoleArgs{
		pit: a.PIT, role: RoleWorker, arns: a.ARNs, logGroup: groupName,
		extra: pulumi.StringArray{a.Input.Bucket.Bucket, a.Output.Bucket.Bucket, a.Software.Bucket.Bucket, a.QueueARN, a.KMSKeyARN},
		build: func(v []string) []Statement { return workerStatements(a, v[0], v[1], v[2], v[3], v[4]) },
	}, parent)
	if err != nil {
		return nil, err
	}
	w.RoleARN = role.Arn

	userData := pulumi.All(a.QueueURL, a.Output.Bucket.Bucket, a.KMSKeyARN, a.Software.Bucket.Bucket, binary.Key, binary.ChecksumSha256).ApplyT(func(v []any) (string, error) {
		binarySum, err := hexSHA256(v[5].(string))
		if err != nil {
			return "", fmt.Errorf("worker binary: %w", err)
		}
		script, err := RenderUserData(UserData{
			PIT: a.PIT, Role: RoleWorker, LogGroup: groupName, Region: a.ARNs.Region,
			MountPoint: WorkerScratchMount,
			Worker: &WorkerSettings{
				QueueURL: v[0].(string), OutputBucket: v[1].(string), KMSKeyARN: v[2].(string),
				BinaryURI: "s3://" + v[3].(string) + "/" + v[4].(string), BinarySHA256: binarySum, Pipeline: a.PipelineCommand,
				PipelineURI: "s3://" + v[3].(string) + "/" + a.Pipeline.Key(), PipelineSHA256: a.Pipeline.SHA256,
				PipelinePath: a.Pipeline.Path(),
				IdleMinutes:  a.IdleMinutes, GroupName: w.GroupName, ScratchDevice: WorkerScratchDevice,
				MetricNamespace: WorkerMetricNamespace,
			},
		})
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString([]byte(script)), nil
	}).(pulumi.StringOutput)

	volume := func(size int) *ec2.LaunchTemplateBlockDeviceMappingEbsArgs {
		return &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
			Encrypted: pulumi.String("true"), KmsKeyId: a.KMSKeyARN, VolumeType: pulumi.String(volumeTypeGP3),
			VolumeSize: pulumi.Int(size), DeleteOnTermination: pulumi.String("true"),
		}
	}
	tags := pulumi.StringMap{"Name": pulumi.String(a.PIT + "-worker"), TagDataClassification: pulumi.String(DataClassificationPHI)}
	w.LaunchTemplate, err = ec2.NewLaunchTemplate(ctx, child("template"), &ec2.LaunchTemplateArgs{
		Description:                       pulumi.Sprintf("Workers of %s", a.PIT),
		ImageId:                           pulumi.String(a.AMI),
		InstanceType:                      pulumi.String(a.InstanceType),
		UpdateDefaultVersion:              pulumi.Bool(true),
		EbsOptimized:                      pulumi.String("true"),
		InstanceInitiatedShutdownBehavior: pulumi.String("terminate"),
		Placement:                         &ec2.LaunchTemplatePlacementArgs{Tenancy: pulumi.String(TenancyDedicated)},
		Monitoring:                        &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(true)},
		IamInstanceProfile:                &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpTokens: pulumi.String("required"), HttpEndpoint: pulumi.String("enabled"), HttpPutResponseHopLimit: pulumi.Int(1),
		},
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex:              pulumi.Int(0),
			AssociatePublicIpAddress: pulumi.String("false"),
			DeleteOnTermination:      pulumi.String("true"),
			SecurityGroups:           pulumi.StringArray{w.SecurityGroup.ID()},
		}},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{
			&ec2.LaunchTemplateBlockDeviceMappingArgs{DeviceName: pulumi.String("/dev/xvda"), Ebs: volume(rootVolumeGiB)},
			&ec2.LaunchTemplateBlockDeviceMappingArgs{DeviceName: pulumi.String(WorkerScratchDevice), Ebs: volume(a.ScratchGiB)},
		},
		UserData: userData,
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: tags},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: tags},
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(a.PIT + "-workers")},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create worker launch template: %w", err)
	}

	w.Group, err = autoscaling.NewGroup(ctx, child("group"), &autoscaling.GroupArgs{
		Name:               pulumi.String(w.GroupName),
		MinSize:            pulumi.Int(0),
		MaxSize:            pulumi.Int(a.MaxWorkers),
		VpcZoneIdentifiers: pulumi.StringArray{a.SubnetID},
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id: w.LaunchTemplate.ID(), Version: w.LaunchTemplate.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput),
		},
		// Auto Scaling only adds workers: a worker in the middle of an object is never chosen for scale-in.
		// Each worker removes itself when idle, decrementing the desired capacity.
		ProtectFromScaleIn:     pulumi.Bool(true),
		HealthCheckType:        pulumi.String("EC2"),
		DefaultInstanceWarmup:  pulumi.Int(workerWarmupSeconds),
		EnabledMetrics:         pulumi.ToStringArray([]string{"GroupInServiceInstances", "GroupDesiredCapacity", "GroupPendingInstances", "GroupTerminatingInstances"}),
		MetricsGranularity:     pulumi.String("1Minute"),
		WaitForCapacityTimeout: pulumi.String("0"),
		Tags: autoscaling.GroupTagArray{
			&autoscaling.GroupTagArgs{Key: pulumi.String("Name"), Value: pulumi.String(a.PIT + "-worker"), PropagateAtLaunch: pulumi.Bool(true)},
			&autoscaling.GroupTagArgs{Key: pulumi.String("Project"), Value: pulumi.String(a.PIT), PropagateAtLaunch: pulumi.Bool(true)},
		},
	}, parent, pulumi.IgnoreChanges([]string{"desiredCapacity"}), pulumi.DependsOn(a.Egress))
	if err != nil {
		return nil, fmt.Errorf("create worker group: %w", err)
	}
	if err := workerScaling(ctx, child, a, w, parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"group": w.Group.Name, "launchTemplate": w.LaunchTemplate.ID()}); err != nil {
		return nil, fmt.Errorf("register worker pool outputs: %w", err)
	}
	return w, nil
}

// hexSHA256 turns S3's base64 SHA-256 digest into the hex form sha256sum checks.
func hexSHA256(b64 string) (string, error) {
	sum, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(sum) != sha256.Size {
		return "", fmt.Errorf("S3 returned %q, not a base64 SHA-256 digest", b64)
	}
	return hex.EncodeToString(sum), nil
}

// workerStatements is the workers' least privilege: read data-in, write output, fetch their binary and
// the one pipeline object, take the queue, use the project key, publish their metrics and remove themselves from the group.
func workerStatements(a WorkerPoolArgs, input, output, software, queue, key string) []Statement {
	group := fmt.Sprintf("arn:%s:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/%s",
		a.ARNs.Partition, a.ARNs.Region, a.ARNs.AccountID, WorkerGroupName(a.PIT))
	return []Statement{
		{Sid: "ReadInput", Effect: Allow, Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{a.ARNs.Objects(input)}},
		// The worker reads back (HeadObject) each result it has just written, to verify it.
		{Sid: "WriteAndVerifyResults", Effect: Allow, Action: []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject", "s3:GetObjectVersion"},
			Resource: []string{a.ARNs.Objects(output)}},
		{Sid: "FetchWorkerBinary", Effect: Allow, Action: []string{"s3:GetObject"},
			Resource: []string{a.ARNs.Bucket(software) + "/" + WorkerBinaryPrefix + "*"}},
		{Sid: "FetchThePipeline", Effect: Allow, Action: []string{"s3:GetObject"},
			Resource: []string{a.ARNs.Bucket(software) + "/" + a.Pipeline.Key()}},
		{Sid: "TakeWorkFromQueue", Effect: Allow,
			Action:   []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"},
			Resource: []string{queue}},
		{Sid: "UseProjectKey", Effect: Allow, Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{key}},
		{Sid: "PublishWorkerMetrics", Effect: Allow, Action: []string{"cloudwatch:PutMetricData"}, Resource: []string{"*"},
			Condition: Condition{"StringEquals": {"cloudwatch:namespace": {WorkerMetricNamespace}}}},
		{Sid: "LeaveTheGroupWhenIdle", Effect: Allow, Action: []string{"autoscaling:TerminateInstanceInAutoScalingGroup"},
			Resource: []string{group}},
	}
}
