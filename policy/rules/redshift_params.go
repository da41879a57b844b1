package rules

import (
	"fmt"
	"strings"
)

// The Redshift parameter rules: every cluster uses a parameter group of this stack that requires TLS and
// logs every query. The cluster's own settings are judged in redshift.go.

// redshiftParameterRules returns the rules on the parameters of Redshift clusters.
func redshiftParameterRules() []Rule {
	return []Rule{
		{
			ID: "redshift-require-tls",
			Description: "Every Redshift cluster uses a parameter group of this stack that sets require_ssl to \"true\", so that clients " +
				"connect over TLS only (the default parameter group does not).",
			Level:   Mandatory,
			HIPAA:   []string{hipaaEncryptionAtRest, hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources: Sources{CdkNag: "HIPAA.Security-RedshiftRequireTlsSSL", Config: "redshift-require-tls-ssl", Checklist: []int{43}},
			Types:   []string{typeRedshiftCluster, typeRedshiftParameterGroup},
			CheckStack: func(s *Stack) []Finding {
				return checkClusterParameter(s, "require_ssl", "clients may connect without TLS")
			},
		},
		{
			ID: "redshift-user-activity-logging",
			Description: "Every Redshift cluster uses a parameter group of this stack that sets enable_user_activity_logging to \"true\", " +
				"so that every query on PHI is logged.",
			Level:   Mandatory,
			HIPAA:   []string{hipaaAuditControls, hipaaActivityReview},
			Sources: Sources{Other: "SCE design: every query on PHI is logged"},
			Types:   []string{typeRedshiftCluster, typeRedshiftParameterGroup},
			CheckStack: func(s *Stack) []Finding {
				return checkClusterParameter(s, "enable_user_activity_logging", "queries are not logged")
			},
		},
	}
}

// checkClusterParameter requires every Redshift cluster to use a parameter group of the stack that sets a
// parameter to "true". Findings about a group's contents name the group, once.
func checkClusterParameter(s *Stack, param, why string) []Finding {
	var out []Finding
	judged := map[string]bool{}
	for _, c := range s.OfType(typeRedshiftCluster) {
		groups := s.Refs(c, "clusterParameterGroupName", typeRedshiftParameterGroup)
		if len(groups) == 0 {
			out = append(out, withURN(c.URN, missingParameterGroup(c, param, why))...)
		}
		for _, g := range groups {
			if !judged[g.URN] {
				judged[g.URN] = true
				out = append(out, withURN(g.URN, groupSetsParameter(g, param, why))...)
			}
		}
	}
	return out
}

// missingParameterGroup says why a cluster linked to no parameter group of the stack fails.
func missingParameterGroup(c *Resource, param, why string) []Finding {
	v, ok := c.Get("clusterParameterGroupName")
	switch {
	case !ok:
		return fail("clusterParameterGroupName is not set, so the cluster uses the default parameter group, where %s is not \"true\" and %s; "+
			"attach a parameter group that sets %s to \"true\"", param, why, param)
	case IsUnknown(v):
		return undecided("clusterParameterGroupName")
	}
	name, isString := v.(string)
	switch {
	case !isString:
		return fail("clusterParameterGroupName is %s (%s); expected the name of a parameter group", kind(v), describe(v))
	case strings.HasPrefix(strings.ToLower(name), "default."):
		return fail("clusterParameterGroupName is %q, a default parameter group, where %s is not \"true\" and %s; "+
			"attach a parameter group that sets %s to \"true\"", name, param, why, param)
	}
	return fail("clusterParameterGroupName is %q, which names no parameter group of this stack, so %s cannot be verified; "+
		"use a parameter group of the stack that sets %s to \"true\"", name, param, param)
}

// groupSetsParameter requires a parameter group to set a parameter to "true".
func groupSetsParameter(g *Resource, param, why string) []Finding {
	params, out := objectsAt(g.Props, "parameters", "parameters")
	for i, p := range params {
		if !strings.EqualFold(stringAtOr(p, "name"), param) {
			continue
		}
		v, ok := lookup(p, "value")
		switch {
		case !ok:
			return append(out, fail("parameters[%d] (%s) has no value; it must be \"true\"", i, param)...)
		case IsUnknown(v):
			return append(out, undecided(fmt.Sprintf("parameters[%d].value (%s)", i, param))...)
		}
		if b, isBool := asBool(v); !isBool || !b {
			return append(out, fail("parameters[%d] sets %s to %s; it must be \"true\" (%s)", i, param, describe(v), why)...)
		}
		return out
	}
	if len(out) > 0 {
		return out
	}
	return fail("parameters has no %s, so it keeps its default and %s; add %s with value \"true\"", param, why, param)
}
