package rules

import (
	"encoding/json"
	"fmt"
)

// typeEMRSecurityConfiguration is the security configuration an EMR cluster names.
const typeEMRSecurityConfiguration = "aws:emr/securityConfiguration:SecurityConfiguration"

// emrRules returns the EMR rules: a security configuration on every cluster, and Kerberos.
func emrRules() []Rule {
	return []Rule{
		{
			ID:          "emr-security-configuration",
			Description: "Every EMR cluster names a security configuration: without one, EMRFS data, local disks and traffic between the nodes are not encrypted.",
			Level:       Mandatory,
			HIPAA:       []string{hipaaEncryptionAtRest, hipaaTransmissionCrypt},
			Sources:     Sources{Other: "SCE design card (issue: EMR)"},
			Types:       []string{typeEMRCluster},
			Check: func(r *Resource) []Finding {
				return setAt(r.Props, "securityConfiguration", "securityConfiguration", "name a security configuration with at-rest and in-transit encryption")
			},
		},
		{
			ID: "emr-kerberos-enabled",
			Description: "Every EMR cluster authenticates with Kerberos: its security configuration has an AuthenticationConfiguration.KerberosConfiguration, " +
				"and the cluster sets kerberosAttributes (realm and KDC admin password).",
			Level:      Mandatory,
			HIPAA:      []string{hipaaAccessControl, hipaaAccessAuthorize, hipaaAccessEstablish},
			Sources:    Sources{CdkNag: "HIPAA.Security-EMRKerberosEnabled", Config: "emr-kerberos-enabled", Checklist: []int{148}},
			Types:      []string{typeEMRCluster},
			CheckStack: checkEMRKerberos,
		},
	}
}

func checkEMRKerberos(s *Stack) []Finding {
	var out []Finding
	for _, c := range s.OfType(typeEMRCluster) {
		fs := setAt(c.Props, "kerberosAttributes.realm", "kerberosAttributes.realm", "Kerberos needs a realm")
		fs = append(fs, setAt(c.Props, "kerberosAttributes.kdcAdminPassword", "kerberosAttributes.kdcAdminPassword", "Kerberos needs the KDC admin password")...)
		fs = append(fs, emrConfigurationHasKerberos(s, c)...)
		for _, f := range fs {
			f.URN = c.URN
			out = append(out, f)
		}
	}
	return out
}

// emrConfigurationHasKerberos judges the security configuration the cluster names.
func emrConfigurationHasKerberos(s *Stack, c *Resource) []Finding {
	v, ok := lookup(c.Props, "securityConfiguration")
	if !ok {
		return fail("securityConfiguration is not set, so the cluster has no Kerberos configuration")
	}
	if IsUnknown(v) && len(c.PropertyDependencies["securityConfiguration"]) == 0 {
		return undecided("securityConfiguration")
	}
	configs := s.Refs(c, "securityConfiguration", typeEMRSecurityConfiguration)
	if len(configs) == 0 {
		// A configuration created outside the program cannot be read here.
		return []Finding{{Message: fmt.Sprintf("securityConfiguration %v is not defined in this program; its Kerberos setting cannot be checked", describe(v)), Undecided: true}}
	}
	var out []Finding
	for _, sc := range configs {
		raw, ok := lookup(sc.Props, "configuration")
		if !ok {
			out = append(out, fail("security configuration %s has no configuration", sc.Name)...)
			continue
		}
		if IsUnknown(raw) {
			out = append(out, undecided("security configuration "+sc.Name)...)
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
			out = append(out, fail("security configuration %s is not a JSON document", sc.Name)...)
			continue
		}
		if doc.AuthenticationConfiguration == nil || doc.AuthenticationConfiguration.KerberosConfiguration == nil ||
			doc.AuthenticationConfiguration.KerberosConfiguration.Provider == "" {
			out = append(out, fail("security configuration %s has no AuthenticationConfiguration.KerberosConfiguration with a Provider", sc.Name)...)
		}
	}
	return out
}
