package verify

import "strings"

// emr: the EMR service's flows, derived from each cluster: EMR assumes the cluster's service role, which
// passes the node role to EC2 and lets EBS encrypt the nodes' volumes with the key of the cluster's
// security configuration (EMR Management Guide, "Create a security configuration": with EBS encryption
// the service role must be allowed to use the key; EBS User Guide, "Requirements for Amazon EBS
// encryption", https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption-requirements.html:
// kms:CreateGrant for an AWS resource, Decrypt, DescribeKey, GenerateDataKeyWithoutPlaintext, ReEncrypt).
func (sv *services) emr() []Flow {
	var out []Flow
	for _, c := range sv.s.OfType("aws:emr/cluster:Cluster") {
		role, trust, ok := sv.roleByARN(str(c.Props["serviceRole"]))
		if !ok {
			out = append(out, broken("EMR works as the cluster's service role", str(c.Props["serviceRole"]), "the cluster's service role is not one of the stack's"))
			continue
		}
		out = append(out,
			sv.judge("EMR assumes the cluster's service role (aws:SourceAccount)", Allowed, assume("elasticmapreduce.amazonaws.com", role.arn, trust, sv.account, "")),
			sv.judge("EMR of another account assumes the cluster's service role", Denied, assume("elasticmapreduce.amazonaws.com", role.arn, trust, otherAccount, "")),
		)
		if node := sv.profileRole(str(lookup(c.Props, "ec2Attributes", "instanceProfile"))); node != "" {
			out = append(out, sv.judge("EMR's service role passes the node role to EC2 (iam:PassRole)", Allowed,
				role.as("iam:PassRole", node, map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, nil, sv.account)))
		}
		if sv.encryptsEBS(str(c.Props["securityConfiguration"])) {
			ebs := viaService("ec2", sv.region, "aws:ebs:id", "vol-0123456789abcdef0")
			out = append(out, sv.judge("EMR's service role lets EBS encrypt the nodes' volumes with the project key (kms:CreateGrant for an AWS resource, DescribeKey; Decrypt, GenerateDataKeyWithoutPlaintext, ReEncrypt through EC2)", Allowed,
				role.as("kms:CreateGrant", sv.key, with(viaService("ec2", sv.region), "kms:GrantIsForAWSResource", "true"), nil, sv.account),
				role.as("kms:DescribeKey", sv.key, nil, nil, sv.account),
				role.as("kms:Decrypt", sv.key, ebs, nil, sv.account),
				role.as("kms:GenerateDataKeyWithoutPlaintext", sv.key, ebs, nil, sv.account),
				role.as("kms:ReEncryptFrom", sv.key, ebs, nil, sv.account),
				role.as("kms:ReEncryptTo", sv.key, ebs, nil, sv.account)))
		}
	}
	return out
}

// encryptsEBS reports whether the named security configuration encrypts EBS volumes with the project key.
func (sv *services) encryptsEBS(name string) bool {
	for _, s := range sv.s.OfType("aws:emr/securityConfiguration:SecurityConfiguration") {
		if str(s.Props["name"]) != name && s.ID != name {
			continue
		}
		conf := str(s.Props["configuration"])
		return strings.Contains(conf, `"EnableEbsEncryption":true`) && strings.Contains(conf, sv.key)
	}
	return false
}
