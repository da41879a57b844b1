package rules

import "testing"

const emrKerberosConfig = `{"EncryptionConfiguration":{"EnableAtRestEncryption":true},"AuthenticationConfiguration":{"KerberosConfiguration":{"Provider":"ClusterDedicatedKdc","ClusterDedicatedKdcConfiguration":{"TicketLifetimeInHours":24}}}}`

func TestEMRSecurityConfiguration(t *testing.T) {
	cluster := func(props string) []*Resource { return []*Resource{res(t, typeEMRCluster, "c", props)} }
	unknown := res(t, typeEMRCluster, "c", `{}`)
	unknown.Props["securityConfiguration"] = Unknown
	checkRule(t, "emr-security-configuration", []ruleCase{
		{name: "a cluster naming a security configuration is compliant", rs: cluster(`{"securityConfiguration":"study-emr"}`)},
		{name: "a configuration known only at deployment counts as set", rs: []*Resource{unknown}},
		{name: "a cluster without one violates", rs: cluster(`{"releaseLabel":"emr-7.5.0"}`), want: "securityConfiguration is not set"},
		{name: "an empty name violates", rs: cluster(`{"securityConfiguration":""}`), want: "securityConfiguration"},
	})
}

func TestEMRKerberosEnabled(t *testing.T) {
	config := func(doc string) *Resource {
		r := res(t, typeEMRSecurityConfiguration, "study-emr", `{}`)
		r.Props["configuration"] = doc
		return r
	}
	const kerberized = `{"securityConfiguration":"study-emr-id","kerberosAttributes":{"realm":"EC2.INTERNAL","kdcAdminPassword":"[secret]"}}`
	cluster := func(props string) *Resource { return res(t, typeEMRCluster, "c", props) }
	unknownConfig := config("")
	unknownConfig.Props["configuration"] = Unknown
	checkRule(t, "emr-kerberos-enabled", []ruleCase{
		{name: "a cluster with Kerberos in its configuration and attributes is compliant", rs: []*Resource{cluster(kerberized), config(emrKerberosConfig)}},
		{name: "a configuration without authentication violates", rs: []*Resource{cluster(kerberized), config(`{"EncryptionConfiguration":{"EnableAtRestEncryption":true}}`)},
			want: "no AuthenticationConfiguration.KerberosConfiguration"},
		{name: "a cluster without kerberosAttributes violates", rs: []*Resource{cluster(`{"securityConfiguration":"study-emr-id"}`), config(emrKerberosConfig)},
			want: "kerberosAttributes.realm is not set"},
		{name: "a cluster without a KDC admin password violates", rs: []*Resource{cluster(`{"securityConfiguration":"study-emr-id","kerberosAttributes":{"realm":"EC2.INTERNAL"}}`), config(emrKerberosConfig)},
			want: "kerberosAttributes.kdcAdminPassword is not set"},
		{name: "a cluster without a security configuration violates", rs: []*Resource{cluster(`{"kerberosAttributes":{"realm":"R","kdcAdminPassword":"p"}}`)},
			want: "no Kerberos configuration"},
		{name: "a configuration that is not JSON violates", rs: []*Resource{cluster(kerberized), config(`not json`)}, want: "not a JSON document"},
		{name: "a configuration from outside the program is undecided", rs: []*Resource{cluster(kerberized)}, want: "not defined in this program", undecided: true},
		{name: "a configuration known only at deployment is undecided", rs: []*Resource{cluster(kerberized), unknownConfig}, want: "unknown until deployment", undecided: true},
	})
}
