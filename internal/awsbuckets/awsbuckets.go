// Package awsbuckets names the AWS-owned S3 buckets that instances in a private subnet read through a
// gateway endpoint (package repositories, agents, Patch Manager), by region. It is plain data, shared by
// the endpoint policy the components write and the flows policy/verify proves.
package awsbuckets

// Patch Manager's AWS-owned buckets, from the Systems Manager User Guide, "Reference: Amazon S3 buckets for
// patching operations" (patch-operations-s3-buckets.html). AWS-RunPatchBaseline downloads its scripts from
// aws-patch-manager-<region>-<suffix> and the baseline snapshot from patch-baseline-snapshot-<region>[-<suffix>];
// through a gateway endpoint whose policy does not name them, patching fails with 403.

// patchManagerSuffix is the unique suffix of each region's aws-patch-manager bucket.
var patchManagerSuffix = map[string]string{
	"us-east-2": "552881074", "us-east-1": "1970c647d", "us-west-1": "8badb4304", "us-west-2": "34d7f99f8",
	"af-south-1": "bdd5f65a9", "ap-east-1": "632356271", "ap-south-2": "32f4b4128", "ap-southeast-3": "aa48fc462",
	"ap-southeast-4": "01e2c40d3", "ap-south-1": "cb7c62ff9", "ap-northeast-3": "67373598a", "ap-northeast-2": "10467995c",
	"ap-southeast-1": "7fdfd9ef7", "ap-southeast-2": "17283a275", "ap-northeast-1": "4849fa78f", "ca-central-1": "3148e69e3",
	"ca-west-1": "9e3a4b2f9", "eu-central-1": "9163fdaaf", "eu-west-1": "5522fb710", "eu-west-2": "902a2bc74",
	"eu-south-1": "c52f3f594", "eu-west-3": "29bf85721", "eu-south-2": "a4cf248b1", "eu-north-1": "795879e9b",
	"eu-central-2": "184ce43c8", "il-central-1": "e221cb57b", "me-south-1": "a53fc9dce", "me-central-1": "2932f2f80",
	"sa-east-1": "ddf4b6a09",
}

// patchSnapshotSuffix is the suffix of the regions whose patch-baseline-snapshot bucket has one.
var patchSnapshotSuffix = map[string]string{
	"af-south-1": "tbxdb5b9", "ap-south-2": "50209442", "ap-southeast-3": "be0a3174", "ap-southeast-4": "dc6f76ce",
	"eu-south-2": "df2c9d70", "me-south-1": "uduvl7q8",
}

// Patch returns the buckets AWS-RunPatchBaseline reads in a region. For a region the reference does
// not list (the GovCloud regions), the script bucket is named by its documented prefix with a wildcard
// suffix: the endpoint allows only s3:GetObject on it, so the wildcard admits reads of AWS's bucket and of
// nothing writable.
func Patch(region string) []string {
	manager := "aws-patch-manager-" + region + "-*"
	if suffix, ok := patchManagerSuffix[region]; ok {
		manager = "aws-patch-manager-" + region + "-" + suffix
	}
	snapshot := "patch-baseline-snapshot-" + region
	if suffix, ok := patchSnapshotSuffix[region]; ok {
		snapshot += "-" + suffix
	}
	return []string{manager, snapshot}
}

// Platform returns the AWS-owned buckets that instances in the private subnet must read through the S3
// endpoint: Amazon Linux 2023 package repositories and the Systems Manager and CloudWatch agents'
// downloads, and Patch Manager's scripts and baseline snapshots (Patch). Without them `dnf update`, the SSM
// agent and AWS-RunPatchBaseline fail with 403 once an endpoint policy is set.
func Platform(region string) []string {
	return append([]string{
		"al2023-repos-" + region + "-de612dc2",
		"aws-ssm-" + region,
		"amazon-ssm-" + region,
		"amazon-ssm-packages-" + region,
		region + "-birdwatcher-prod",
		"aws-ssm-document-attachments-" + region,
		"aws-ssm-distributor-file-" + region,
		"amazoncloudwatch-agent-" + region,
	}, Patch(region)...)
}
