package components

// The AWS-owned buckets an EMRCluster in a private subnet reads and writes, and the S3 endpoint policy's
// statements that let it reach them.

import (
	"strconv"
	"strings"
)

// EMRRepositoryBuckets are the AWS-owned buckets EMR nodes in a private subnet read through the S3
// endpoint (EMR Management Guide, "Sample policies for private subnets that access Amazon S3"): the EMR
// package repository (releases 5.22.0 and later), the Amazon Linux 2 repositories of releases before
// emr-7.0.0 (7.x use Amazon Linux 2023, whose repository PlatformBuckets lists for every stack), and EMR's
// regional bucket of step scripts (script-runner). releaseLabel is a validated emr-X.Y.Z label.
func EMRRepositoryBuckets(region, releaseLabel string) []string {
	buckets := []string{"repo." + region + ".emr.amazonaws.com", region + ".elasticmapreduce"}
	if emrReleaseMajor(releaseLabel) < 7 {
		buckets = append(buckets, "amazonlinux."+region+".amazonaws.com", "amazonlinux-2-repos-"+region)
	}
	return buckets
}

// emrReleaseMajor returns the major version of an "emr-X.Y.Z" label, 0 when it is not one.
func emrReleaseMajor(releaseLabel string) int {
	major, _, _ := strings.Cut(strings.TrimPrefix(releaseLabel, "emr-"), ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0
	}
	return n
}

// EMRSystemLogBucket is the AWS-owned bucket into which EMR writes a cluster's system logs when the
// cluster has logging on: aws157-logs-prod in us-east-1, aws157-logs-prod-<region> elsewhere.
func EMRSystemLogBucket(region string) string {
	if region == "us-east-1" {
		return "aws157-logs-prod"
	}
	return "aws157-logs-prod-" + region
}

// EMRAppInfoBucket is the AWS-owned bucket that collects application logs for EMR's persistent
// application user interfaces (releases 5.25.0 and later).
func EMRAppInfoBucket(region string) string { return "prod." + region + ".appinfo.src" }

// EMREndpointStatements are the S3 endpoint policy's statements for an EMR cluster in the private
// subnet, each in a statement of its own: reading EMR's repositories, writing the system logs (the
// cluster logs to the log bucket, so EMR needs PUT on its system bucket too), and the persistent
// application interfaces' bucket, with the actions AWS's sample endpoint policy gives each. All three are
// AWS-owned buckets that no one outside AWS can read, so they open no way out for PHI.
func EMREndpointStatements(arns ARNs, releaseLabel string) []Statement {
	var repos []string
	for _, b := range EMRRepositoryBuckets(arns.Region, releaseLabel) {
		repos = append(repos, arns.Objects(b))
	}
	return []Statement{
		{Sid: "EMRReadsItsRepositories", Effect: Allow, Principal: &Principal{Anyone: true},
			Action: []string{"s3:GetObject"}, Resource: repos},
		{Sid: "EMRWritesSystemLogs", Effect: Allow, Principal: &Principal{Anyone: true},
			Action: []string{"s3:Put*"}, Resource: []string{arns.Objects(EMRSystemLogBucket(arns.Region))}},
		{Sid: "EMRApplicationHistory", Effect: Allow, Principal: &Principal{Anyone: true},
			Action:   []string{"s3:Put*", "s3:Get*", "s3:Create*", "s3:Abort*", "s3:List*"},
			Resource: []string{arns.Objects(EMRAppInfoBucket(arns.Region))}},
	}
}
