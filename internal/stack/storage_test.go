package stack_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/plan"
)

const bucketType = "aws:s3/bucketV2:BucketV2"

var purposes = []string{"data-in", "output", "logs", "ancillary", "access-logs"}

// bucketOf returns the bucket of a purpose and the configuration resource of a type that refers to it.
func bucketOf(t *testing.T, p *plan.Plan, purpose string) plan.Resource {
	t.Helper()
	return one(t, p, bucketType, "study-"+purpose+"-bucket")
}

func configOf(t *testing.T, p *plan.Plan, typ string, bucket plan.Resource) plan.Resource {
	t.Helper()
	var found []plan.Resource
	for _, r := range p.Find(typ) {
		if in(r, "bucket") == bucket.ID {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "%s has one %s", bucket.Name, typ)
	return found[0]
}

// statement returns the statement with that Sid.
func statement(t *testing.T, doc components.PolicyDocument, sid string) components.Statement {
	t.Helper()
	for _, s := range doc.Statement {
		if s.Sid == sid {
			return s
		}
	}
	require.FailNow(t, "no statement "+sid)
	return components.Statement{}
}

func sids(doc components.PolicyDocument) []string {
	var out []string
	for _, s := range doc.Statement {
		out = append(out, s.Sid)
	}
	return out
}

func TestBucketsHaveDNSValidUniqueNames(t *testing.T) {
	p := planWith(t, nil)
	require.Len(t, p.Find(bucketType), len(purposes))
	valid := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	for _, purpose := range purposes {
		b := bucketOf(t, p, purpose)
		name := in(b, "bucket")
		assert.Regexp(t, `^study-`+purpose+`-[0-9a-f]{8}$`, name, "PIT, purpose and a random suffix")
		assert.Regexp(t, valid, name)
		assert.LessOrEqual(t, len(name), 63)
		assert.Equal(t, name, b.ID)
		assert.Equal(t, "false", in(b, "forceDestroy"), "a bucket holding data is never force-deleted")
	}
}

func TestEveryBucketIsEncryptedPrivateOwnedVersionedAndLogged(t *testing.T) {
	p := planWith(t, nil)
	key := p.Find("aws:kms/key:Key")[0]
	accessLogs := bucketOf(t, p, "access-logs")
	for _, purpose := range purposes {
		t.Run(purpose, func(t *testing.T) {
			b := bucketOf(t, p, purpose)
			enc := configOf(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", b)
			rule := enc.Inputs["rules"].([]any)[0].(map[string]any)
			def := rule["applyServerSideEncryptionByDefault"].(map[string]any)
			if purpose == "access-logs" {
				assert.Equal(t, "AES256", def["sseAlgorithm"], "S3 access logs can only be delivered into SSE-S3")
			} else {
				assert.Equal(t, "aws:kms", def["sseAlgorithm"])
				assert.Equal(t, out(key, "arn"), def["kmsMasterKeyId"], "the project key")
				assert.Equal(t, true, rule["bucketKeyEnabled"])
			}
			pab := configOf(t, p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b)
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				assert.Equal(t, "true", in(pab, k), k)
			}
			own := configOf(t, p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b)
			assert.Equal(t, "BucketOwnerEnforced", own.Inputs["rule"].(map[string]any)["objectOwnership"])
			ver := configOf(t, p, "aws:s3/bucketVersioningV2:BucketVersioningV2", b)
			assert.Equal(t, "Enabled", ver.Inputs["versioningConfiguration"].(map[string]any)["status"])
			lc := configOf(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b)
			first := lc.Inputs["rules"].([]any)[0].(map[string]any)
			assert.Equal(t, "Enabled", first["status"])
			assert.EqualValues(t, 90, first["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"])

			logging := p.Find("aws:s3/bucketLoggingV2:BucketLoggingV2")
			var target string
			for _, l := range logging {
				if in(l, "bucket") == b.ID {
					target = in(l, "targetBucket")
					assert.Equal(t, purpose+"/", in(l, "targetPrefix"))
				}
			}
			if purpose == "access-logs" {
				assert.Empty(t, target, "the access-log bucket does not log into itself")
			} else {
				assert.Equal(t, accessLogs.ID, target, "server access logs go to the access-log bucket")
			}
		})
	}
}

func TestPHIBucketsAreTaggedAndRetained(t *testing.T) {
	p := planWith(t, nil)
	for _, purpose := range purposes {
		b := bucketOf(t, p, purpose)
		tags := b.Inputs["tags"].(map[string]any)
		// The access logs are PHI records: they name the PHI buckets' object keys.
		phi := purpose == "data-in" || purpose == "output" || purpose == "ancillary" || purpose == "access-logs"
		if phi {
			assert.Equal(t, "PHI", tags["DataClassification"], purpose)
		} else {
			assert.NotContains(t, tags, "DataClassification", purpose)
		}
		assert.True(t, b.RetainOnDelete, "%s retained on destroy (the ancillary bucket too: sce:ancillaryCloseout defaults to keep)", purpose)
		assert.True(t, b.Protect, "%s protected (sce:protect defaults to true)", purpose)
	}
}

func TestTheAncillaryBucketGoesOnlyWithTheDataOwnersConsent(t *testing.T) {
	tests := []struct {
		name              string
		config            map[string]string
		retained, protect bool
	}{
		{"kept by default", nil, true, true},
		{"kept, unprotected with protect off", map[string]string{"sce:protect": "false"}, true, false},
		{"destroyed with consent", map[string]string{"sce:ancillaryCloseout": "destroy"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := planWith(t, tt.config)
			b := bucketOf(t, p, "ancillary")
			assert.Equal(t, tt.retained, b.RetainOnDelete)
			assert.Equal(t, tt.protect, b.Protect)
			for _, r := range p.Resources {
				// The bucket's settings follow it; the credential broker's binary is software the stack
				// uploads, not data, and goes with the stack either way.
				if r.Custom && r.Inputs["bucket"] == b.ID && r.Type != "aws:s3/bucketV2:BucketV2" && r.Type != "aws:s3/bucketObjectv2:BucketObjectv2" {
					assert.Equal(t, tt.retained, r.RetainOnDelete, "%s follows its bucket", r.Name)
				}
			}
			assert.Equal(t, "false", in(b, "forceDestroy"), "never emptied by pulumi destroy itself")
		})
	}
}

func TestEveryBucketPolicyDeniesRequestsWithoutTLS(t *testing.T) {
	p := planWith(t, nil)
	for _, purpose := range purposes {
		b := bucketOf(t, p, purpose)
		doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", b), "policy")
		tls := statement(t, doc, "DenyRequestsWithoutTLS")
		assert.Equal(t, components.Deny, tls.Effect)
		assert.True(t, tls.Principal.Anyone)
		assert.Equal(t, []string{"s3:*"}, tls.Action)
		assert.Equal(t, []string{out(b, "arn"), out(b, "arn") + "/*"}, tls.Resource, "%s: the bucket and its objects", purpose)
		assert.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"])
	}
}

func TestPHIBucketPoliciesRefuseOtherEncryptionOnly(t *testing.T) {
	p := planWith(t, nil)
	key := p.Find("aws:kms/key:Key")[0]
	for _, purpose := range purposes {
		b := bucketOf(t, p, purpose)
		doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", b), "policy")
		phi := purpose == "data-in" || purpose == "output" || purpose == "ancillary"
		if !phi {
			assert.NotContains(t, sids(doc), "DenyUploadsAskingForOtherEncryption", "%s: services deliver without encryption headers", purpose)
			continue
		}
		sse := statement(t, doc, "DenyUploadsAskingForOtherEncryption")
		assert.Equal(t, components.Deny, sse.Effect)
		assert.Equal(t, []string{"s3:PutObject"}, sse.Action)
		assert.Equal(t, []string{out(b, "arn") + "/*"}, sse.Resource)
		assert.Equal(t, []string{"false"}, sse.Condition["Null"]["s3:x-amz-server-side-encryption"], "only a request that carries the header")
		assert.Equal(t, []string{"aws:kms"}, sse.Condition["StringNotEquals"]["s3:x-amz-server-side-encryption"])
		other := statement(t, doc, "DenyUploadsWithAnotherKey")
		assert.Equal(t, []string{"false"}, other.Condition["Null"]["s3:x-amz-server-side-encryption-aws-kms-key-id"])
		assert.Equal(t, []string{out(key, "arn")}, other.Condition["StringNotEquals"]["s3:x-amz-server-side-encryption-aws-kms-key-id"])
		noKey := statement(t, doc, "DenyKMSUploadsWithoutTheProjectKey")
		assert.Equal(t, []string{"aws:kms"}, noKey.Condition["StringEquals"]["s3:x-amz-server-side-encryption"])
		assert.Equal(t, []string{"true"}, noKey.Condition["Null"]["s3:x-amz-server-side-encryption-aws-kms-key-id"])
		for _, st := range doc.Statement {
			for op := range st.Condition {
				assert.NotContains(t, op, "IfExists", "%s %s: an IfExists deny refuses every request without the key", purpose, st.Sid)
			}
		}
	}
}

func TestDataInAndOutputAreRestrictedToTheEndpointWithAdminsExcepted(t *testing.T) {
	admin := "arn:aws:iam::111122223333:role/sce-builder"
	p := planWith(t, map[string]string{"sce:adminRoleArns": `["` + admin + `"]`})
	endpoint := one(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "study-s3-endpoint")
	for _, purpose := range []string{"data-in", "output"} {
		doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, purpose)), "policy")
		vpce := statement(t, doc, "DenyObjectAccessOutsideTheVPCEndpoint")
		assert.Equal(t, components.Deny, vpce.Effect)
		assert.Equal(t, []string{endpoint.ID}, vpce.Condition["StringNotEquals"]["aws:SourceVpce"])
		excepted := []string{admin}
		if purpose == "data-in" {
			// the ledger and the malware scanner run outside the VPC
			excepted = append(excepted, "arn:aws:iam::111122223333:role/study-upload-ledger", "arn:aws:iam::111122223333:role/study-malware-scan")
		} else {
			// the airlock's release function runs outside the VPC and reads the outbox
			excepted = append(excepted, "arn:aws:iam::111122223333:role/study-airlock-release")
		}
		assert.Equal(t, excepted, vpce.Condition["ArnNotLike"]["aws:PrincipalArn"])
		assert.Contains(t, vpce.Action, "s3:GetObject")
		assert.NotContains(t, vpce.Action, "s3:PutBucketPolicy", "bucket configuration stays manageable by the deployment")
	}
	for _, purpose := range []string{"ancillary", "logs", "access-logs"} {
		doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, purpose)), "policy")
		assert.NotContains(t, sids(doc), "DenyObjectAccessOutsideTheVPCEndpoint", purpose)
	}
}

func TestEndpointRestrictionCanBeTurnedOff(t *testing.T) {
	p := planWith(t, map[string]string{"sce:restrictToVpcEndpoint": "false"})
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "data-in")), "policy")
	assert.NotContains(t, sids(doc), "DenyObjectAccessOutsideTheVPCEndpoint")
}

func TestUploadersMayOnlyWriteIntoDataIn(t *testing.T) {
	uploader := "arn:aws:iam::111122223333:role/uploader"
	p := planWith(t, map[string]string{"sce:uploaderRoleArns": `["` + uploader + `"]`})
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "data-in")), "policy")
	wo := statement(t, doc, "UploadersMayOnlyWrite")
	assert.Equal(t, components.Deny, wo.Effect)
	assert.Contains(t, wo.Action, "s3:GetObject")
	assert.Contains(t, wo.Action, "s3:ListBucket")
	assert.NotContains(t, wo.Action, "s3:PutObject")
	assert.Equal(t, []string{uploader}, wo.Condition["ArnLike"]["aws:PrincipalArn"])
	outDoc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "output")), "policy")
	assert.NotContains(t, sids(outDoc), "UploadersMayOnlyWrite", "write-only applies to data-in")
}

func TestLogBucketAcceptsCloudTrailAndConfigDeliveries(t *testing.T) {
	p := planWith(t, nil)
	logs := bucketOf(t, p, "logs")
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", logs), "policy")
	trail := p.Find("aws:cloudtrail/trail:Trail")[0]
	acl := statement(t, doc, "CloudTrailAclCheck")
	assert.Equal(t, []string{"cloudtrail.amazonaws.com"}, acl.Principal.Service)
	assert.Equal(t, []string{"s3:GetBucketAcl"}, acl.Action)
	assert.Equal(t, []string{out(logs, "arn")}, acl.Resource)
	assert.Equal(t, []string{trail.ID}, acl.Condition["StringEquals"]["aws:SourceArn"], "scoped to this project's trail")
	write := statement(t, doc, "CloudTrailWrite")
	assert.Equal(t, []string{out(logs, "arn") + "/cloudtrail/AWSLogs/111122223333/*"}, write.Resource)
	assert.Equal(t, []string{"bucket-owner-full-control"}, write.Condition["StringEquals"]["s3:x-amz-acl"])
	assert.Equal(t, []string{trail.ID}, write.Condition["StringEquals"]["aws:SourceArn"])

	delivery := statement(t, doc, "ConfigBucketDelivery")
	assert.Equal(t, []string{"config.amazonaws.com"}, delivery.Principal.Service)
	assert.Equal(t, []string{out(logs, "arn") + "/config/AWSLogs/111122223333/Config/*"}, delivery.Resource)
	assert.Equal(t, []string{"111122223333"}, delivery.Condition["StringEquals"]["aws:SourceAccount"])
	statement(t, doc, "ConfigBucketPermissionsCheck")
	statement(t, doc, "ConfigBucketExistenceCheck")

	lc := configOf(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", logs)
	archive := lc.Inputs["rules"].([]any)[1].(map[string]any)
	assert.Equal(t, "DEEP_ARCHIVE", archive["transitions"].([]any)[0].(map[string]any)["storageClass"])
	assert.EqualValues(t, 2192, archive["expiration"].(map[string]any)["days"], "six years")
}

func TestAccessLogBucketAcceptsOnlyTheProjectsServerAccessLogs(t *testing.T) {
	p := planWith(t, nil)
	doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", bucketOf(t, p, "access-logs")), "policy")
	s := statement(t, doc, "S3ServerAccessLogsDelivery")
	assert.Equal(t, []string{"logging.s3.amazonaws.com"}, s.Principal.Service)
	assert.Equal(t, []string{"s3:PutObject"}, s.Action)
	assert.Equal(t, []string{"arn:aws:s3:::study-*"}, s.Condition["ArnLike"]["aws:SourceArn"])
	assert.Equal(t, []string{"111122223333"}, s.Condition["StringEquals"]["aws:SourceAccount"])
	for _, sid := range sids(doc) {
		assert.False(t, strings.HasPrefix(sid, "CloudTrail") || strings.HasPrefix(sid, "Config"), "only server access logs land here: %s", sid)
	}
}

func TestLogBucketObjectLockIsOptional(t *testing.T) {
	p := planWith(t, nil)
	assert.Empty(t, p.Find("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"))
	// AWS Config cannot deliver into an object-locked bucket: the lock goes with a recorder the account
	// already has (internal/config refuses it with configRecorder: create).
	p = planWith(t, map[string]string{"sce:logBucketObjectLock": "true", "sce:configRecorder": "existing"})
	assert.Empty(t, p.Find("aws:cfg/deliveryChannel:DeliveryChannel"), "no delivery channel into the locked bucket")
	locks := p.Find("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2")
	require.Len(t, locks, 1)
	logs := bucketOf(t, p, "logs")
	assert.Equal(t, logs.ID, in(locks[0], "bucket"))
	assert.Equal(t, "true", in(logs, "objectLockEnabled"))
	retention := locks[0].Inputs["rule"].(map[string]any)["defaultRetention"].(map[string]any)
	assert.Equal(t, "GOVERNANCE", retention["mode"])
	assert.EqualValues(t, 2192, retention["days"])
}

// TestAccessLogsAreTreatedAsPHIRecords: server access logs name the PHI buckets' object keys, so the bucket
// that holds them is classified PHI and only administrators may read its objects.
func TestAccessLogsAreTreatedAsPHIRecords(t *testing.T) {
	admin := "arn:aws:iam::111122223333:role/sce-builder"
	for _, tc := range []struct {
		name   string
		admins string
		want   []string
	}{{"with administrators", `["` + admin + `"]`, []string{admin}}, {"without administrators: nobody", `[]`, nil}} {
		t.Run(tc.name, func(t *testing.T) {
			p := planWith(t, map[string]string{"sce:adminRoleArns": tc.admins})
			b := bucketOf(t, p, "access-logs")
			assert.Equal(t, "PHI", nested(t, b, "tags")["DataClassification"])
			doc := policyOf(t, configOf(t, p, "aws:s3/bucketPolicy:BucketPolicy", b), "policy")
			st := statement(t, doc, "RecordsReadableByAdministratorsOnly")
			assert.Equal(t, components.Deny, st.Effect)
			assert.Contains(t, st.Action, "s3:GetObject")
			assert.Equal(t, tc.want, st.Condition["ArnNotLike"]["aws:PrincipalArn"])
			delivery := false
			for _, s := range doc.Statement {
				delivery = delivery || (s.Effect == components.Allow && s.Principal != nil && len(s.Principal.Service) > 0)
			}
			assert.True(t, delivery, "the logging service still delivers")
		})
	}
}
