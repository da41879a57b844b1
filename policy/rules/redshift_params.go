package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The Redshift parameter rules: every cluster uses a parameter group of this stack that requires TLS and
// logs every query. The cluster's own settings are judged in redshift.go.

// redshiftParameterRules returns the rules on the parameters of Redshift clusters.
func redshiftParameterRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "redshift-require-tls",
			Description: "Every Redshift cluster uses a parameter group of this stack that sets require_ssl to \"true\", so that clients " +
				"connect over TLS only (the default parameter group does not).",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaEncryptionAtRest, hipaaTransmission, "164.312(e)(2)(i)", hipaaTransmissionCrypt},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-RedshiftRequireTlsSSL", Config: "redshift-require-tls-ssl", Checklist: []int{43}},
			Types:   []string{typeRedshiftCluster, typeRedshiftParameterGroup},
			CheckStack: func(s *engine.Stack) []engine.Finding {
				return checkClusterParameter(s, "require_ssl", "clients may connect without TLS")
			},
		},
		{
			ID: "redshift-user-activity-logging",
			Description: "Every Redshift cluster uses a parameter group of this stack that sets enable_user_activity_logging to \"true\", " +
				"so that every query on PHI is logged.",
			Level:   engine.Mandatory,
			HIPAA:   []string{hipaaAuditControls, hipaaActivityReview},
			Sources: engine.Sources{Other: "SCE design: every query on PHI is logged"},
			Types:   []string{typeRedshiftCluster, typeRedshiftParameterGroup},
			CheckStack: func(s *engine.Stack) []engine.Finding {
				return checkClusterParameter(s, "enable_user_activity_logging", "queries are not logged")
			},
		},
	}
}

// checkClusterParameter requires every Redshift cluster to use a parameter group of the stack that sets a
// parameter to "true". Findings about a group's contents name the group, once.
func checkClusterParameter(s *engine.Stack, param, why string) []engine.Finding {
	var out []engine.Finding
	judged := map[string]bool{}
	for _, c := range s.OfType(typeRedshiftCluster) {
		groups := s.Refs(c, "clusterParameterGroupName", typeRedshiftParameterGroup)
		if len(groups) == 0 {
			out = append(out, engine.WithURN(c.URN, missingParameterGroup(c, param, why))...)
		}
		for _, g := range groups {
			if !judged[g.URN] {
				judged[g.URN] = true
				out = append(out, engine.WithURN(g.URN, groupSetsParameter(g, param, why))...)
			}
		}
	}
	return out
}

// missingParameterGroup says why a cluster linked to no parameter group of the stack fails.
func missingParameterGroup(c *engine.Resource, param, why string) []engine.Finding {
	v, ok := c.Get("clusterParameterGroupName")
	switch {
	case !ok:
		return engine.Fail("clusterParameterGroupName is not set, so the cluster uses the default parameter group, where %s is not \"true\" and %s; "+
			"attach a parameter group that sets %s to \"true\"", param, why, param)
	case engine.IsUnknown(v):
		return engine.Undecided("clusterParameterGroupName")
	}
	name, isString := v.(string)
	switch {
	case !isString:
		return engine.Fail("clusterParameterGroupName is %s (%s); expected the name of a parameter group", engine.Kind(v), engine.Describe(v))
	case strings.HasPrefix(strings.ToLower(name), "default."):
		return engine.Fail("clusterParameterGroupName is %q, a default parameter group, where %s is not \"true\" and %s; "+
			"attach a parameter group that sets %s to \"true\"", name, param, why, param)
	}
	return engine.Fail("clusterParameterGroupName is %q, which names no parameter group of this stack, so %s cannot be verified; "+
		"use a parameter group of the stack that sets %s to \"true\"", name, param, param)
}

// groupSetsParameter requires a parameter group to set a parameter to "true".
func groupSetsParameter(g *engine.Resource, param, why string) []engine.Finding {
	params, out := engine.ObjectsAt(g.Props, "parameters", "parameters")
	for i, p := range params {
		if !strings.EqualFold(engine.StringAtOr(p, "name"), param) {
			continue
		}
		v, ok := engine.Lookup(p, "value")
		switch {
		case !ok:
			return append(out, engine.Fail("parameters[%d] (%s) has no value; it must be \"true\"", i, param)...)
		case engine.IsUnknown(v):
			return append(out, engine.Undecided(fmt.Sprintf("parameters[%d].value (%s)", i, param))...)
		}
		if b, isBool := engine.AsBool(v); !isBool || !b {
			return append(out, engine.Fail("parameters[%d] sets %s to %s; it must be \"true\" (%s)", i, param, engine.Describe(v), why)...)
		}
		return out
	}
	if len(out) > 0 {
		return out
	}
	return engine.Fail("parameters has no %s, so it keeps its default and %s; add %s with value \"true\"", param, why, param)
}
