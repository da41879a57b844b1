package rules

import (
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

const emrKerberosConfig = `{"EncryptionConfiguration":{"EnableAtRestEncryption":true},"AuthenticationConfiguration":{"KerberosConfiguration":{"Provider":"ClusterDedicatedKdc","ClusterDedicatedKdcConfiguration":{"TicketLifetimeInHours":24}}}}`

func TestEMRSecurityConfiguration(t *testing.T) {
	cluster := func(props string) []*engine.Resource { return []*engine.Resource{res(t, typeEMRCluster, "c", props)} }
	unknown := res(t, typeEMRCluster, "c", `{}`)
	unknown.Props["securityConfiguration"] = engine.Unknown
	checkRule(t, "emr-security-configuration", []ruleCase{
		{name: "a cluster naming a security configuration is compliant", rs: cluster(`{"securityConfiguration":"study-emr"}`)},
		{name: "a configuration known only at deployment counts as set", rs: []*engine.Resource{unknown}},
		{name: "a cluster without one violates", rs: cluster(`{"releaseLabel":"emr-7.5.0"}`), want: "securityConfiguration is not set"},
		{name: "an empty name violates", rs: cluster(`{"securityConfiguration":""}`), want: "securityConfiguration"},
	})
}

func TestEMRKerberosEnabled(t *testing.T) {
	config := func(doc string) *engine.Resource {
		r := res(t, typeEMRSecurityConfiguration, "study-emr", `{}`)
		r.Props["configuration"] = doc
		return r
	}
	const kerberized = `{"securityConfiguration":"study-emr-id","kerberosAttributes":{"realm":"EC2.INTERNAL","kdcAdminPassword":"[secret]"}}`
	cluster := func(props string) *engine.Resource { return res(t, typeEMRCluster, "c", props) }
	unknownConfig := config("")
	unknownConfig.Props["configuration"] = engine.Unknown
	checkRule(t, "emr-kerberos-enabled", []ruleCase{
		{name: "a cluster with Kerberos in its configuration and attributes is compliant", rs: []*engine.Resource{cluster(kerberized), config(emrKerberosConfig)}},
		{name: "a configuration without authentication violates", rs: []*engine.Resource{cluster(kerberized), config(`{"EncryptionConfiguration":{"EnableAtRestEncryption":true}}`)},
			want: "no AuthenticationConfiguration.KerberosConfiguration"},
		{name: "a cluster without kerberosAttributes violates", rs: []*engine.Resource{cluster(`{"securityConfiguration":"study-emr-id"}`), config(emrKerberosConfig)},
			want: "kerberosAttributes.realm is not set"},
		{name: "a cluster without a KDC admin password violates", rs: []*engine.Resource{cluster(`{"securityConfiguration":"study-emr-id","kerberosAttributes":{"realm":"EC2.INTERNAL"}}`), config(emrKerberosConfig)},
			want: "kerberosAttributes.kdcAdminPassword is not set"},
		{name: "a cluster without a security configuration violates", rs: []*engine.Resource{cluster(`{"kerberosAttributes":{"realm":"R","kdcAdminPassword":"p"}}`)},
			want: "no Kerberos configuration"},
		{name: "a configuration that is not JSON violates", rs: []*engine.Resource{cluster(kerberized), config(`not json`)}, want: "not a JSON document"},
		{name: "a configuration from outside the program is undecided", rs: []*engine.Resource{cluster(kerberized)}, want: "not defined in this program", undecided: true},
		{name: "a configuration known only at deployment is undecided", rs: []*engine.Resource{cluster(kerberized), unknownConfig}, want: "unknown until deployment", undecided: true},
	})
}

func TestEMRNodesDedicatedTenancy(t *testing.T) {
	vpc := func(props string) *engine.Resource { return res(t, typeVPC, "v", props) }
	subnet := res(t, typeSubnet, "s", `{"vpcId":"v-id"}`)
	cluster := func(props string) *engine.Resource { return res(t, typeEMRCluster, "c", props) }
	inSubnet := cluster(`{"ec2Attributes":{"subnetId":"s-id"}}`)
	unknownSubnet := cluster(`{"ec2Attributes":{}}`)
	unknownSubnet.Props["ec2Attributes"].(map[string]any)["subnetId"] = engine.Unknown
	unknownTenancy := vpc(`{}`)
	unknownTenancy.Props["instanceTenancy"] = engine.Unknown
	checkRule(t, "emr-nodes-dedicated-tenancy", []ruleCase{
		{name: "a cluster in a subnet of a dedicated VPC is compliant", rs: []*engine.Resource{inSubnet, subnet, vpc(`{"instanceTenancy":"dedicated"}`)}},
		{name: "a cluster in a default-tenancy VPC violates", rs: []*engine.Resource{inSubnet, subnet, vpc(`{"instanceTenancy":"default"}`)},
			want: `whose instanceTenancy is "default"`},
		{name: "a VPC without a tenancy is default tenancy and violates", rs: []*engine.Resource{inSubnet, subnet, vpc(`{}`)}, want: "not set (default)"},
		{name: "a fleet's subnets are judged too", rs: []*engine.Resource{cluster(`{"ec2Attributes":{"subnetIds":["s-id"]}}`), subnet, vpc(`{"instanceTenancy":"default"}`)},
			want: "shared hardware"},
		{name: "a cluster without a subnet lands in the default VPC and violates", rs: []*engine.Resource{cluster(`{"ec2Attributes":{}}`)}, want: "default VPC"},
		{name: "a subnet from outside the program is undecided", rs: []*engine.Resource{cluster(`{"ec2Attributes":{"subnetId":"subnet-elsewhere"}}`)},
			want: "not a subnet of this program", undecided: true},
		{name: "a subnet known only at deployment is undecided", rs: []*engine.Resource{unknownSubnet, subnet, vpc(`{"instanceTenancy":"dedicated"}`)},
			want: "unknown until deployment", undecided: true},
		{name: "a tenancy known only at deployment is undecided", rs: []*engine.Resource{inSubnet, subnet, unknownTenancy}, want: "unknown until deployment", undecided: true},
	})
}

func TestEMRServiceRoleCanEncryptVolumes(t *testing.T) {
	const key = "arn:aws:kms:us-west-2:111122223333:key/k1"
	config := func(doc string) *engine.Resource {
		r := res(t, typeEMRSecurityConfiguration, "sc", `{}`)
		r.Props["configuration"] = doc
		return r
	}
	ebsConfig := config(`{"EncryptionConfiguration":{"AtRestEncryptionConfiguration":{"LocalDiskEncryptionConfiguration":` +
		`{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"` + key + `","EnableEbsEncryption":true}}}}`)
	cluster := res(t, typeEMRCluster, "c", `{"securityConfiguration":"sc-id","serviceRole":"arn:aws:iam::111122223333:role/svc"}`)
	role := func(props string) *engine.Resource {
		r := res(t, iamRoleType, "svc", props)
		r.Outputs = map[string]any{"arn": "arn:aws:iam::111122223333:role/svc", "name": "svc"}
		return r
	}
	policy := func(statements string) []*engine.Resource {
		p := res(t, iamPolicyType, "svc-policy", `{}`)
		p.Props["policy"] = `{"Version":"2012-10-17","Statement":[` + statements + `]}`
		p.Outputs = map[string]any{"arn": "arn:aws:iam::111122223333:policy/svc-policy"}
		att := res(t, iamRolePolicyAttachmentType, "svc-att", `{"role":"svc","policyArn":"arn:aws:iam::111122223333:policy/svc-policy"}`)
		return []*engine.Resource{p, att}
	}
	keyWith := func(statements string) *engine.Resource {
		k := res(t, kmsKeyType, "k", `{}`)
		k.Props["policy"] = `{"Version":"2012-10-17","Statement":[` + statements + `]}`
		k.Outputs = map[string]any{"arn": key}
		return k
	}
	rootKey := keyWith(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`)
	const grants = `{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"` + key + `","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`
	const viaEC2 = `{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKeyWithoutPlaintext","kms:ReEncryptFrom","kms:ReEncryptTo"],"Resource":"` + key +
		`","Condition":{"StringEquals":{"kms:ViaService":"ec2.us-west-2.amazonaws.com"}}}`
	const describe = `{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"` + key + `"}`
	stack := func(extra ...*engine.Resource) []*engine.Resource {
		return append([]*engine.Resource{cluster, ebsConfig, role(`{}`), rootKey}, extra...)
	}
	checkRule(t, "emr-service-role-can-encrypt-volumes", []ruleCase{
		{name: "grants, the data-key actions through EC2 and DescribeKey are compliant", rs: stack(policy(grants + "," + viaEC2 + "," + describe)...)},
		{name: "the old form, CreateGrant and DescribeKey only under GrantIsForAWSResource, violates",
			rs:   stack(policy(`{"Effect":"Allow","Action":["kms:CreateGrant","kms:DescribeKey"],"Resource":"` + key + `","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`)...),
			want: "not allowed kms:Decrypt, kms:DescribeKey, kms:GenerateDataKeyWithoutPlaintext, kms:ReEncryptFrom, kms:ReEncryptTo"},
		{name: "a ViaService of another service violates", rs: stack(policy(grants + "," + describe + "," + strings.Replace(viaEC2, "ec2.", "rds.", 1))...),
			want: "not allowed kms:Decrypt"},
		{name: "every KMS action on every resource is compliant", rs: stack(policy(`{"Effect":"Allow","Action":"kms:*","Resource":"*"}`)...)},
		{name: "an inline policy of the role counts", rs: []*engine.Resource{cluster, ebsConfig, rootKey,
			role(`{"inlinePolicies":[{"name":"kms","policy":"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"` + key + `\"}}"}]}`)}},
		{name: "a role without any of them violates", rs: stack(), want: "not allowed kms:CreateGrant"},
		{name: "a configuration without EBS encryption asks nothing", rs: []*engine.Resource{cluster, role(`{}`),
			config(`{"EncryptionConfiguration":{"AtRestEncryptionConfiguration":{"LocalDiskEncryptionConfiguration":{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"` + key + `"}}}}`)}},
		{name: "a key policy that leaves the account out violates", rs: append([]*engine.Resource{cluster, ebsConfig, role(`{}`),
			keyWith(`{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:*","Resource":"*"}`)}, policy(grants+","+viaEC2+","+describe)...),
			want: "does not allow kms:CreateGrant to account 111122223333"},
		{name: "a service role from outside the program is undecided", rs: []*engine.Resource{cluster, ebsConfig, rootKey}, want: "not a role of this program", undecided: true},
		{name: "a cluster without a service role violates", rs: []*engine.Resource{res(t, typeEMRCluster, "c", `{"securityConfiguration":"sc-id"}`), ebsConfig},
			want: "serviceRole is not set"},
	})
}
