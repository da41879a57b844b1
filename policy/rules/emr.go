package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/policydoc"
)

// The EMR rules: a security configuration on every cluster, Kerberos, nodes on dedicated hardware, and a
// service role that can encrypt the nodes' volumes.

// typeEMRSecurityConfiguration is the security configuration an EMR cluster names.
const typeEMRSecurityConfiguration = "aws:emr/securityConfiguration:SecurityConfiguration"

// emrEBSKeyActions are the KMS actions EBS needs from the principal on whose behalf it encrypts volumes with
// a customer managed key (EBS User Guide, "Requirements for Amazon EBS encryption"; its kms:ReEncrypt is
// the two actions ReEncryptFrom and ReEncryptTo). For an EMR cluster that principal is the service role.
var emrEBSKeyActions = []string{
	"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
}

// emrRules returns the EMR rules: a security configuration on every cluster, Kerberos, nodes on dedicated
// hardware, and a service role that can encrypt the nodes' volumes.
func emrRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "emr-security-configuration",
			Description: "Every EMR cluster names a security configuration: without one, EMRFS data, local disks and traffic between the nodes are not encrypted.",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources:     engine.Sources{Other: "SCE design card (issue: EMR)"},
			Types:       []string{typeEMRCluster},
			Check: func(r *engine.Resource) []engine.Finding {
				return engine.SetAt(r.Props, "securityConfiguration", "securityConfiguration", "name a security configuration with at-rest and in-transit encryption")
			},
		},
		{
			ID: "emr-kerberos-enabled",
			Description: "Every EMR cluster authenticates with Kerberos: its security configuration has an AuthenticationConfiguration.KerberosConfiguration, " +
				"and the cluster sets kerberosAttributes (realm and KDC admin password).",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaAccessControl, hipaaAccessAuthorize, hipaaAccessEstablish},
			Sources:    engine.Sources{CdkNag: "HIPAA.Security-EMRKerberosEnabled", Config: "emr-kerberos-enabled", Checklist: []int{148}},
			Types:      []string{typeEMRCluster},
			CheckStack: checkEMRKerberos,
		},
		{
			ID: "emr-nodes-dedicated-tenancy",
			Description: "Every EMR cluster runs in a subnet (ec2Attributes.subnetId or subnetIds) of a VPC whose instanceTenancy is dedicated: " +
				"EMR has no tenancy setting, so its nodes take the VPC's, and a default-tenancy VPC would put them, and the PHI they process, on shared hardware.",
			Level:      engine.Mandatory,
			HIPAA:      []string{hipaaAccessControl, hipaaRiskManagement},
			Sources:    engine.Sources{Other: "seed, Kilroy stack (no shared tenancy for PHI); EC2 API CreateVpc InstanceTenancy; EMR API RunJobFlow (no tenancy parameter)"},
			Types:      []string{typeEMRCluster, typeSubnet, typeVPC},
			CheckStack: checkEMRNodesDedicated,
		},
		{
			ID: "emr-service-role-can-encrypt-volumes",
			Description: "When an EMR cluster's security configuration encrypts EBS volumes with a KMS key (EnableEbsEncryption), the cluster's service role is " +
				"allowed, by its own policies, kms:CreateGrant, Decrypt, DescribeKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom and ReEncryptTo on that key " +
				"(a kms:ViaService condition must admit ec2.<region>.amazonaws.com; a kms:GrantIsForAWSResource condition only grants CreateGrant), and the " +
				"key's policy lets IAM policies decide for the account; otherwise the nodes' volumes cannot be created and the cluster fails to start.",
			Level:    engine.Mandatory,
			Category: engine.CategoryDeployability,
			HIPAA:    []string{hipaaEncryptionAtRest},
			Sources:  engine.Sources{Other: "EBS User Guide, Requirements for Amazon EBS encryption; EMR Management Guide, security configuration EBS encryption"},
			Types: []string{typeEMRCluster, typeEMRSecurityConfiguration, iamRoleType, iamRolePolicyType, iamRolePolicyAttachmentType,
				iamPolicyType, kmsKeyType},
			CheckStack: checkEMRServiceRoleEncryptsVolumes,
		},
	}
}

// emrSubnetPaths are where an EMR cluster names its subnets: one for instance groups, a list for fleets.
var emrSubnetPaths = []string{"ec2Attributes.subnetId", "ec2Attributes.subnetIds"}

// checkEMRNodesDedicated follows each cluster's subnets to their VPCs and requires dedicated tenancy.
func checkEMRNodesDedicated(s *engine.Stack) []engine.Finding {
	return judgeEach(s, typeEMRCluster, emrNodesDedicated)
}

// emrNodesDedicated follows a cluster's subnets to their VPCs and requires each VPC's tenancy to be
// dedicated.
func emrNodesDedicated(s *engine.Stack, c *engine.Resource) []engine.Finding {
	var subnets []*engine.Resource
	set := false
	for _, path := range emrSubnetPaths {
		v, ok := c.Get(path)
		if !ok {
			continue
		}
		set = true
		found := s.Refs(c, path, typeSubnet)
		if len(found) == 0 && engine.IsUnknown(v) {
			found = s.Refs(c, "ec2Attributes", typeSubnet) // through the input's property dependencies
			if len(found) == 0 {
				return engine.Undecided(path)
			}
		}
		if len(found) == 0 {
			return []engine.Finding{{Message: fmt.Sprintf("%s %s is not a subnet of this program; the tenancy of its VPC cannot be checked", path, engine.Describe(v)), Undecided: true}}
		}
		subnets = append(subnets, found...)
	}
	if !set {
		return engine.Fail("ec2Attributes.subnetId is not set: EMR would launch the nodes in the account's default VPC, which has default tenancy (shared hardware)")
	}
	var out []engine.Finding
	for _, subnet := range subnets {
		vpcs := s.Refs(subnet, "vpcId", typeVPC)
		if len(vpcs) == 0 {
			out = append(out, engine.Finding{Message: fmt.Sprintf("the VPC of subnet %s is not defined in this program; its tenancy cannot be checked", subnet.Name), Undecided: true})
			continue
		}
		for _, vpc := range vpcs {
			v, ok := vpc.Get("instanceTenancy")
			switch {
			case ok && engine.IsUnknown(v):
				out = append(out, engine.Undecided("instanceTenancy of VPC "+vpc.Name)...)
			case v == "dedicated":
			default:
				tenancy := "not set (default)"
				if ok {
					tenancy = engine.Describe(v)
				}
				out = append(out, engine.Fail("subnet %s is in VPC %s, whose instanceTenancy is %s: EMR has no tenancy setting of its own, so the nodes "+
					"would run on shared hardware; run EMR only in a dedicated-tenancy VPC", subnet.Name, vpc.Name, tenancy)...)
			}
		}
	}
	return out
}

// emrEBSKey returns the KMS key a security configuration encrypts EBS volumes with, "" when it does not.
func emrEBSKey(sc *engine.Resource) (string, []engine.Finding) {
	raw, ok := sc.Get("configuration")
	switch {
	case !ok:
		return "", nil
	case engine.IsUnknown(raw):
		return "", engine.Undecided("configuration of security configuration " + sc.Name)
	}
	text, isString := raw.(string)
	var doc struct {
		EncryptionConfiguration struct {
			AtRestEncryptionConfiguration *struct {
				LocalDiskEncryptionConfiguration *struct {
					EncryptionKeyProviderType string `json:"EncryptionKeyProviderType"`
					AwsKmsKey                 string `json:"AwsKmsKey"`
					EnableEbsEncryption       bool   `json:"EnableEbsEncryption"`
				} `json:"LocalDiskEncryptionConfiguration"`
			} `json:"AtRestEncryptionConfiguration"`
		} `json:"EncryptionConfiguration"`
	}
	if !isString || json.Unmarshal([]byte(text), &doc) != nil {
		return "", engine.Fail("security configuration %s is not a JSON document", sc.Name)
	}
	rest := doc.EncryptionConfiguration.AtRestEncryptionConfiguration
	if rest == nil || rest.LocalDiskEncryptionConfiguration == nil {
		return "", nil
	}
	disk := rest.LocalDiskEncryptionConfiguration
	if !disk.EnableEbsEncryption || disk.EncryptionKeyProviderType != "AwsKms" {
		return "", nil
	}
	return disk.AwsKmsKey, nil
}

// checkEMRServiceRoleEncryptsVolumes judges, for every cluster whose security configuration encrypts EBS with
// a KMS key, its service role and the key's policy.
func checkEMRServiceRoleEncryptsVolumes(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, c := range s.OfType(typeEMRCluster) {
		for _, sc := range s.Refs(c, "securityConfiguration", typeEMRSecurityConfiguration) {
			key, fs := emrEBSKey(sc)
			out = append(out, engine.WithURN(c.URN, fs)...)
			if key == "" {
				continue
			}
			out = append(out, engine.WithURN(c.URN, emrServiceRoleUsesKey(s, c, key))...)
		}
	}
	return out
}

// emrServiceRoleUsesKey judges the cluster's service role and the key's policy for EBS's actions.
func emrServiceRoleUsesKey(s *engine.Stack, c *engine.Resource, key string) []engine.Finding {
	v, ok := c.Get("serviceRole")
	if !ok {
		return engine.Fail("serviceRole is not set, so no role can let EBS use key %s for the nodes' volumes", key)
	}
	roles := s.Refs(c, "serviceRole", iamRoleType)
	if len(roles) == 0 {
		if engine.IsUnknown(v) {
			return engine.Undecided("serviceRole")
		}
		return []engine.Finding{{Message: fmt.Sprintf("serviceRole %s is not a role of this program; its permissions on key %s cannot be checked", engine.Describe(v), key), Undecided: true}}
	}
	region := ""
	if parts := strings.Split(key, ":"); len(parts) > 4 {
		region = parts[3]
	}
	var out []engine.Finding
	for _, role := range roles {
		statements, fs := roleStatements(s, role)
		if len(fs) > 0 {
			out = append(out, fs...)
			continue
		}
		var missing []string
		for _, action := range emrEBSKeyActions {
			if !emrGrants(statements, action, key, region) {
				missing = append(missing, action)
			}
		}
		if len(missing) > 0 {
			out = append(out, engine.Fail("service role %s is not allowed %s on key %s, which the security configuration encrypts the nodes' EBS volumes with "+
				"(EBS uses the key as the service role; a kms:ViaService condition must admit %s)", role.Name, strings.Join(missing, ", "), key, "ec2."+region+".amazonaws.com")...)
		}
	}
	return append(out, keyPolicyDefersToIAM(s, key, emrEBSKeyActions, "the EMR service role")...)
}

// emrGrants reports whether an Allow statement grants action on key, counting the conditions EBS's use
// depends on: kms:ViaService must admit EC2 in the key's region, and kms:GrantIsForAWSResource holds only
// in grant requests.
func emrGrants(statements []policydoc.PolicyStatement, action, key, region string) bool {
	for _, st := range statements {
		if !st.Allows(action) || !onResource(st, key) {
			continue
		}
		if via := st.ConditionValues("kms:ViaService", "StringEquals", "StringLike", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"); len(via) > 0 {
			admitted := false
			for _, v := range via {
				if policydoc.GlobMatch(v, "ec2."+region+".amazonaws.com") {
					admitted = true
				}
			}
			if !admitted {
				continue
			}
		}
		grantOnly := len(st.ConditionValues("kms:GrantIsForAWSResource", "Bool")) > 0
		if grantOnly && !strings.EqualFold(action, "kms:CreateGrant") {
			continue
		}
		return true
	}
	return false
}

// checkEMRKerberos requires, of every cluster, kerberosAttributes with a realm and a KDC admin password, and
// a security configuration with a Kerberos configuration.
func checkEMRKerberos(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, c := range s.OfType(typeEMRCluster) {
		fs := engine.SetAt(c.Props, "kerberosAttributes.realm", "kerberosAttributes.realm", "Kerberos needs a realm")
		fs = append(fs, engine.SetAt(c.Props, "kerberosAttributes.kdcAdminPassword", "kerberosAttributes.kdcAdminPassword", "Kerberos needs the KDC admin password")...)
		fs = append(fs, emrConfigurationHasKerberos(s, c)...)
		for _, f := range fs {
			f.URN = c.URN
			out = append(out, f)
		}
	}
	return out
}

// emrConfigurationHasKerberos judges the security configuration the cluster names.
func emrConfigurationHasKerberos(s *engine.Stack, c *engine.Resource) []engine.Finding {
	v, ok := engine.Lookup(c.Props, "securityConfiguration")
	if !ok {
		return engine.Fail("securityConfiguration is not set, so the cluster has no Kerberos configuration")
	}
	if engine.IsUnknown(v) && len(c.PropertyDependencies["securityConfiguration"]) == 0 {
		return engine.Undecided("securityConfiguration")
	}
	configs := s.Refs(c, "securityConfiguration", typeEMRSecurityConfiguration)
	if len(configs) == 0 {
		// A configuration created outside the program cannot be read here.
		return []engine.Finding{{Message: fmt.Sprintf("securityConfiguration %v is not defined in this program; its Kerberos setting cannot be checked", engine.Describe(v)), Undecided: true}}
	}
	var out []engine.Finding
	for _, sc := range configs {
		raw, ok := engine.Lookup(sc.Props, "configuration")
		if !ok {
			out = append(out, engine.Fail("security configuration %s has no configuration", sc.Name)...)
			continue
		}
		if engine.IsUnknown(raw) {
			out = append(out, engine.Undecided("security configuration "+sc.Name)...)
			continue
		}
		text, isString := raw.(string)
		var doc struct {
			AuthenticationConfiguration *struct {
				KerberosConfiguration *struct {
					Provider string `json:"Provider"`
				} `json:"KerberosConfiguration"`
			} `json:"AuthenticationConfiguration"`
		}
		if !isString || json.Unmarshal([]byte(text), &doc) != nil {
			out = append(out, engine.Fail("security configuration %s is not a JSON document", sc.Name)...)
			continue
		}
		if doc.AuthenticationConfiguration == nil || doc.AuthenticationConfiguration.KerberosConfiguration == nil ||
			doc.AuthenticationConfiguration.KerberosConfiguration.Provider == "" {
			out = append(out, engine.Fail("security configuration %s has no AuthenticationConfiguration.KerberosConfiguration with a Provider", sc.Name)...)
		}
	}
	return out
}
