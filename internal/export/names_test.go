package export

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSnakeCaseFollowsTerraformNaming(t *testing.T) {
	cases := map[string]string{
		"cidrBlock":                          "cidr_block",
		"kmsKeyId":                           "kms_key_id",
		"s3BucketName":                       "s3_bucket_name",
		"ipv6CidrBlock":                      "ipv6_cidr_block",
		"httpPutResponseHopLimit":            "http_put_response_hop_limit",
		"cloudWatchLogsGroupArn":             "cloud_watch_logs_group_arn",
		"HTTPEndpoint":                       "http_endpoint",
		"versioningConfiguration":            "versioning_configuration",
		"tags":                               "tags",
		"enableDnsHostnames":                 "enable_dns_hostnames",
		"b64Std":                             "b64_std",
		"applyServerSideEncryptionByDefault": "apply_server_side_encryption_by_default",
	}
	for in, want := range cases {
		assert.Equal(t, want, snake(in), in)
	}
}

func TestIdentifiersAreValidTerraformNames(t *testing.T) {
	cases := map[string]string{
		"hipaa-vpc":         "hipaa_vpc",
		"hipaa-audit-cis.x": "hipaa_audit_cis_x",
		"1st-bucket":        "_1st_bucket",
		"":                  "_",
		"already_fine":      "already_fine",
		"hipaa-ümlaut":      "hipaa__mlaut",
	}
	for in, want := range cases {
		assert.Equal(t, want, identifier(in), in)
	}
}

func TestTerraformNamesUseTheTableBeforeSnakeCase(t *testing.T) {
	sub := tfTypes["aws:sns/topicSubscription:TopicSubscription"]
	assert.Equal(t, "topic_arn", sub.terraformName("topic"), "a per-type rename wins")
	sse := tfTypes["aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"]
	assert.Equal(t, "rule", sse.terraformName("rules"), "Pulumi's plural block names become Terraform's singular")
	assert.Equal(t, "kms_master_key_id", sse.terraformName("kmsMasterKeyId"))
	assoc := tfTypes["aws:ssm/association:Association"]
	assert.True(t, assoc.isMap("parameters"), "the association's parameters are a map")
	assert.True(t, sse.isMap("tags"), "tags are a map attribute everywhere")
	assert.False(t, sse.isMap("versioningConfiguration"))
}
