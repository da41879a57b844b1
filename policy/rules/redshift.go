package rules

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The Redshift cluster rules: backups, encryption with the project key, audit logging, maintenance, no
// public access, enhanced VPC routing, and no dedicated-tenancy VPC (Redshift refuses to launch in one).
// The parameters a cluster's parameter group must set are judged in redshift_params.go.

// Resource types of the Redshift rules.
const (
	typeRedshiftCluster        = "aws:redshift/cluster:Cluster"
	typeRedshiftParameterGroup = "aws:redshift/parameterGroup:ParameterGroup"
	typeRedshiftLogging        = "aws:redshift/logging:Logging"
	typeRedshiftSubnetGroup    = "aws:redshift/subnetGroup:SubnetGroup"
)

// redshiftRules returns the Redshift cluster rules.
func redshiftRules() []engine.Rule {
	return []engine.Rule{
		{
			ID:          "redshift-backup-enabled",
			Description: "Every Redshift cluster keeps automated snapshots for 1 to 35 days (automatedSnapshotRetentionPeriod; the provider's default, 1, is compliant).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaRecovery(),
			Sources:     engine.Sources{CdkNag: "HIPAA.Security-RedshiftBackupEnabled", Config: "redshift-backup-enabled", Checklist: []int{37}},
			Types:       []string{typeRedshiftCluster},
			Check: func(r *engine.Resource) []engine.Finding {
				return engine.IntAt(r.Props, "automatedSnapshotRetentionPeriod", "automatedSnapshotRetentionPeriod", true, 1, 35)
			},
		},
		{
			ID:          "redshift-encrypted",
			Description: "Every Redshift cluster is encrypted at rest (encrypted is true).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-RedshiftClusterConfiguration", Config: "redshift-cluster-configuration-check",
				AWSGuard: "redshift-cluster-configuration", Checklist: []int{38}},
			Types: []string{typeRedshiftCluster},
			Check: func(r *engine.Resource) []engine.Finding {
				return engine.BoolAt(r.Props, "encrypted", "encrypted", true, false)
			},
		},
		{
			ID: "redshift-audit-logging",
			Description: "Every Redshift cluster has audit logging: its logging.enable is true, or an aws:redshift/logging:Logging resource " +
				"sends its logs to an S3 bucket or to CloudWatch (logExports).",
			Level: engine.Mandatory,
			HIPAA: []string{hipaaAuditControls, hipaaActivityReview},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-RedshiftClusterConfiguration", Config: "redshift-cluster-configuration-check",
				AWSGuard: "redshift-cluster-configuration", Checklist: []int{38}},
			Types:      []string{typeRedshiftCluster, typeRedshiftLogging},
			CheckStack: checkRedshiftAuditLogging,
		},
		{
			ID:          "redshift-kms",
			Description: "Every Redshift cluster is encrypted with a customer managed KMS key (kmsKeyId, the project key).",
			Level:       engine.Mandatory,
			HIPAA:       hipaaEncryption(),
			Sources:     engine.Sources{Config: "redshift-cluster-kms-enabled", Checklist: []int{39}},
			Types:       []string{typeRedshiftCluster},
			Check: func(r *engine.Resource) []engine.Finding {
				return requireCustomerKeyAt(r.Props, "kmsKeyId", "the cluster is not encrypted with the project key")
			},
		},
		{
			ID: "redshift-maintenance-settings",
			Description: "Every Redshift cluster allows version upgrades (allowVersionUpgrade is not false), sets an explicit " +
				"preferredMaintenanceWindow and keeps automated snapshots (automatedSnapshotRetentionPeriod is not 0).",
			Level: engine.Mandatory,
			HIPAA: []string{hipaaBackup},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-RedshiftClusterMaintenanceSettings", Config: "redshift-cluster-maintenancesettings-check",
				AWSGuard: "redshift-cluster-maintenance-settings", Checklist: []int{40}},
			Types: []string{typeRedshiftCluster},
			Check: checkRedshiftMaintenance,
		},
		{
			ID:          "redshift-not-public",
			Description: "Every Redshift cluster sets publiclyAccessible to false, explicitly.",
			Level:       engine.Mandatory,
			HIPAA:       hipaaNotReachable(),
			Sources: engine.Sources{CdkNag: "HIPAA.Security-RedshiftClusterPublicAccess", Config: "redshift-cluster-public-access-check",
				AWSGuard: "redshift-cluster-public-access", Checklist: []int{41}},
			Types: []string{typeRedshiftCluster},
			Check: func(r *engine.Resource) []engine.Finding {
				if _, ok := r.Get("publiclyAccessible"); !ok {
					return engine.Fail("publiclyAccessible is not set; set it to false explicitly")
				}
				return engine.BoolAt(r.Props, "publiclyAccessible", "publiclyAccessible", false, false)
			},
		},
		{
			ID:          "redshift-enhanced-vpc-routing",
			Description: "Every Redshift cluster has enhanced VPC routing (enhancedVpcRouting is true), so that COPY and UNLOAD traffic stays in the VPC.",
			Level:       engine.Mandatory,
			HIPAA:       []string{hipaaTransmission},
			Sources: engine.Sources{CdkNag: "HIPAA.Security-RedshiftEnhancedVPCRoutingEnabled", Config: "redshift-enhanced-vpc-routing-enabled",
				Checklist: []int{42}},
			Types: []string{typeRedshiftCluster},
			Check: func(r *engine.Resource) []engine.Finding {
				return engine.BoolAt(r.Props, "enhancedVpcRouting", "enhancedVpcRouting", true, false)
			},
		},
		{
			ID:          "redshift-not-in-dedicated-vpc",
			Description: "No Redshift cluster's subnet group names a subnet of a dedicated-tenancy VPC: Redshift refuses to launch there, and `pulumi up` fails.",
			Level:       engine.Mandatory,
			Category:    engine.CategoryDeployability,
			HIPAA:       []string{hipaaRiskManagement},
			Sources:     engine.Sources{Other: sourceRedshiftTenancy},
			Types:       []string{typeRedshiftCluster, typeRedshiftSubnetGroup, typeSubnet, typeVPC},
			CheckStack:  checkRedshiftNotInDedicatedVPC,
		},
	}
}

// checkRedshiftMaintenance requires version upgrades allowed, an explicit maintenance window and automated
// snapshots kept.
func checkRedshiftMaintenance(r *engine.Resource) []engine.Finding {
	out := engine.BoolAt(r.Props, "allowVersionUpgrade", "allowVersionUpgrade", true, true)
	out = append(out, requireStringAt(r.Props, "preferredMaintenanceWindow", "AWS picks the maintenance window; set one explicitly")...)
	v, ok := r.Get("automatedSnapshotRetentionPeriod")
	switch {
	case !ok:
	case engine.IsUnknown(v):
		out = append(out, engine.Undecided("automatedSnapshotRetentionPeriod")...)
	default:
		n, isInt := engine.AsInt(v)
		switch {
		case !isInt:
			out = append(out, engine.Fail("automatedSnapshotRetentionPeriod is %s (%s); expected a whole number", engine.Kind(v), engine.Describe(v))...)
		case n == 0:
			out = append(out, engine.Fail("automatedSnapshotRetentionPeriod is 0, which turns automated snapshots off; it must be at least 1")...)
		}
	}
	return out
}

// checkRedshiftAuditLogging judges the audit logging of every cluster.
func checkRedshiftAuditLogging(s *engine.Stack) []engine.Finding {
	var out []engine.Finding
	for _, c := range s.OfType(typeRedshiftCluster) {
		out = append(out, clusterAuditLogging(s, c)...)
	}
	return out
}

// clusterAuditLogging requires a cluster's audit logging, inline (logging.enable) or by a Logging resource,
// with a destination; shape problems come before undecided findings, and either before the failure.
func clusterAuditLogging(s *engine.Stack, c *engine.Resource) []engine.Finding {
	var problems, pending []engine.Finding
	collect := func(urn string, fs []engine.Finding) {
		for _, f := range engine.WithURN(urn, fs) {
			if f.Undecided {
				pending = append(pending, f)
			} else {
				problems = append(problems, f)
			}
		}
	}
	inline := "logging.enable is not set"
	enable, ok, shape := propAt(c.Props, "logging.enable")
	switch {
	case shape != nil:
		collect(c.URN, shape)
	case !ok:
	case engine.IsUnknown(enable):
		collect(c.URN, engine.Undecided("logging.enable"))
	default:
		on, isBool := engine.AsBool(enable)
		switch {
		case !isBool:
			collect(c.URN, engine.Fail("logging.enable is %s (%s); expected the boolean true", engine.Kind(enable), engine.Describe(enable)))
		case on:
			dest := loggingDestination(c.Props, "logging.")
			if dest == nil {
				return nil
			}
			collect(c.URN, dest)
		default:
			inline = "logging.enable is false"
		}
	}
	for _, l := range referringByKeys(s, c, "clusterIdentifier", []string{"clusterIdentifier"}, typeRedshiftLogging) {
		dest := loggingDestination(l.Props, "")
		if dest == nil {
			return nil
		}
		collect(l.URN, dest)
	}
	switch {
	case len(problems) > 0:
		return problems
	case len(pending) > 0:
		return pending
	}
	return []engine.Finding{{URN: c.URN, Message: fmt.Sprintf(
		"the cluster has no audit logging: %s and no aws:redshift/logging:Logging resource refers to it; enable audit logging to S3 or CloudWatch", inline)}}
}

// loggingDestination judges where audit logs go (an inline logging block, prefix "logging.", or a Logging
// resource, prefix ""): an S3 bucket, or CloudWatch with log types to export.
func loggingDestination(node map[string]any, prefix string) []engine.Finding {
	v, ok, shape := propAt(node, prefix+"logDestinationType")
	switch {
	case shape != nil:
		return shape
	case ok && engine.IsUnknown(v):
		return engine.Undecided(prefix + "logDestinationType")
	}
	dest := "s3"
	if ok {
		s, isString := v.(string)
		if !isString {
			return engine.Fail("%slogDestinationType is %s (%s); expected s3 or cloudwatch", prefix, engine.Kind(v), engine.Describe(v))
		}
		dest = strings.ToLower(s)
	}
	switch dest {
	case "s3":
		return requireStringAt(node, prefix+"bucketName", "audit logs sent to S3 need a bucket")
	case "cloudwatch":
		return requireStringListAt(node, prefix+"logExports", "audit logs sent to CloudWatch need the log types to export (connectionlog, userlog, useractivitylog)")
	}
	return engine.Fail("%slogDestinationType is %q; it must be s3 or cloudwatch", prefix, dest)
}

// checkRedshiftNotInDedicatedVPC keeps every cluster's subnet group out of a dedicated-tenancy VPC.
func checkRedshiftNotInDedicatedVPC(s *engine.Stack) []engine.Finding {
	return notInDedicatedVPC(s, typeRedshiftCluster, redshiftSubnets, func(vpc *engine.Resource) string {
		return fmt.Sprintf("the cluster's subnet group is in VPC %s, whose instanceTenancy is dedicated; "+
			"Redshift refuses to launch into a dedicated-tenancy VPC: give the VPC default tenancy (sce:vpcTenancy: default)", vpc.Name)
	})
}

// redshiftSubnets returns the subnets of a cluster's subnet groups, where its nodes run.
func redshiftSubnets(s *engine.Stack, c *engine.Resource) []*engine.Resource {
	var subnets []*engine.Resource
	for _, g := range s.Refs(c, "clusterSubnetGroupName", typeRedshiftSubnetGroup) {
		subnets = append(subnets, s.Refs(g, "subnetIds", typeSubnet)...)
	}
	return subnets
}
