package components

// The seed's data path starts on a laptop outside the VPC (its Part 1, "Laptop L", and 1E: the bucket
// accepts the encrypted PUT). An uploader role (BucketPolicyArgs.UploaderARNs) is that laptop's identity, so
// the VPC-endpoint restriction excepts it for uploads, and for nothing else: the endpoint deny keeps every
// other object action from it, and UploadersMayOnlyWrite its reads everywhere. These statements are kept
// apart from the encryption statements on purpose: an upload from outside must still ask for the project
// key like any other.

// uploadActions are what putting an object takes, in one request or in parts. S3 authorises
// CreateMultipartUpload, UploadPart and CompleteMultipartUpload as s3:PutObject, and AbortMultipartUpload
// as s3:AbortMultipartUpload (S3 User Guide, "Multipart upload API and permissions").
var uploadActions = []string{"s3:PutObject", "s3:AbortMultipartUpload"}

// endpointRestrictedActions are the object actions the VPC-endpoint deny refuses to everyone but the
// administrators and the project's service roles. With uploaders, the uploads move to their own deny
// (uploadsOutsideTheEndpoint), which excepts the uploaders as well.
func endpointRestrictedActions(a BucketPolicyArgs) []string {
	all := append(append([]string{}, objectReadActions...), objectWriteActions...)
	if len(a.UploaderARNs) == 0 {
		return all
	}
	out := make([]string, 0, len(all))
	for _, action := range all {
		if !containsString(uploadActions, action) {
			out = append(out, action)
		}
	}
	return out
}

// uploadsOutsideTheEndpoint denies uploads that do not come through the endpoint, except from the
// administrators, the service roles and the uploaders. Without uploaders the endpoint deny covers uploads
// itself and there is no such statement.
func uploadsOutsideTheEndpoint(a BucketPolicyArgs, objects string) []Statement {
	if len(a.UploaderARNs) == 0 {
		return nil
	}
	outside := append(append(append([]string{}, a.AdminRoleARNs...), a.ServiceRoleARNs...), a.UploaderARNs...)
	return []Statement{{
		Sid:       "DenyUploadsOutsideTheVPCEndpoint",
		Effect:    Deny,
		Principal: &Principal{Anyone: true},
		Action:    uploadActions,
		Resource:  []string{objects},
		Condition: Condition{
			"StringNotEquals": {"aws:SourceVpce": {a.VPCEndpointID}},
			"ArnNotLike":      {"aws:PrincipalArn": outside},
		},
	}}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
