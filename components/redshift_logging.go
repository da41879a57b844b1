package components

// A RedshiftOMOP's audit logging: the connection, user-activity and user logs, exported to CloudWatch
// log groups encrypted with the project key.

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/redshift"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// redshiftLogExports are the audit logs Redshift exports: connections, user activity (every query) and
// user changes.
var redshiftLogExports = []string{"connectionlog", "useractivitylog", "userlog"}

// redshiftAuditLogs sends the connection, user-activity and user logs to CloudWatch Logs, into log groups
// created here first so that they are encrypted with the project key and kept six years (Redshift's audit
// delivery to S3 would need an SSE-S3 bucket).
func redshiftAuditLogs(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, r *RedshiftOMOP, parent pulumi.ResourceOption) error {
	var groups []pulumi.Resource
	for _, export := range redshiftLogExports {
		g, err := cloudwatch.NewLogGroup(ctx, child("log-"+export), &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(RedshiftLogGroup(r.Identifier, export)),
			RetentionInDays: pulumi.Int(a.LogRetentionDays),
			KmsKeyId:        a.KMSKeyARN,
			Tags:            pulumi.StringMap{"Name": pulumi.String(r.Identifier + "-" + export)},
		}, parent, pulumi.RetainOnDelete(true), pulumi.Protect(a.Protect))
		if err != nil {
			return fmt.Errorf("create redshift %s log group: %w", export, err)
		}
		groups = append(groups, g)
	}
	if _, err := redshift.NewLogging(ctx, child("logging"), &redshift.LoggingArgs{
		ClusterIdentifier:  r.Cluster.ClusterIdentifier,
		LogDestinationType: pulumi.String("cloudwatch"),
		LogExports:         pulumi.ToStringArray(redshiftLogExports),
	}, parent, pulumi.DependsOn(groups)); err != nil {
		return fmt.Errorf("enable redshift audit logging: %w", err)
	}
	return nil
}

// RedshiftLogGroup is the log group Redshift writes an audit log export to.
func RedshiftLogGroup(cluster, export string) string {
	return fmt.Sprintf("/aws/redshift/cluster/%s/%s", cluster, export)
}
