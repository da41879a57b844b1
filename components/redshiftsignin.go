package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SourceIdentityVariable is the policy variable of a session's source identity: a single-valued global
// condition key, which IAM substitutes into a Resource element (IAM User Guide, "IAM policy elements:
// Variables and tags": any single-valued condition key may be a variable).
const SourceIdentityVariable = "${aws:SourceIdentity}"

// RedshiftSignInStatements let a researcher's session ask for database credentials for one database
// user only, its own: the dbuser resource is named by the session's source identity, which the broker set
// to the login and which cannot be changed for the session. Without redshift:CreateClusterUser the call
// cannot use AutoCreate, and without redshift:JoinGroup it cannot add DbGroups (Redshift Management
// Guide, "Step 3: Create an IAM role with permissions to call GetClusterCredentials"): the researcher's
// rights are those of the user ResearcherUsers created, SELECT on the CDM. DescribeClusters on the
// cluster lets a client (the JDBC or Python driver's IAM sign-in) find its endpoint.
func RedshiftSignInStatements(arns ARNs, cluster, database string) []Statement {
	prefix := fmt.Sprintf("arn:%s:redshift:%s:%s:", arns.Partition, arns.Region, arns.AccountID)
	return []Statement{
		{Sid: "SignInAsTheSessionsOwnDatabaseUser", Effect: Allow, Action: []string{"redshift:GetClusterCredentials"},
			Resource: []string{
				RedshiftDBUserARN(arns, cluster, SourceIdentityVariable),
				prefix + "dbname:" + cluster + "/" + database,
			},
			Condition: Condition{"Null": {"aws:SourceIdentity": {"false"}}}},
		{Sid: "FindTheCluster", Effect: Allow, Action: []string{"redshift:DescribeClusters"},
			Resource: []string{prefix + "cluster:" + cluster}},
	}
}

// redshiftSignIn attaches RedshiftSignInStatements to the role named role (the researcher role).
func redshiftSignIn(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, cluster string, parent pulumi.ResourceOption) error {
	doc, err := PolicyDocument{Version: PolicyVersion, Statement: RedshiftSignInStatements(a.ARNs, cluster, a.DatabaseName)}.JSON()
	if err != nil {
		return fmt.Errorf("redshift sign-in policy: %w", err)
	}
	_, err = newRolePolicy(ctx, rolePolicy{
		name: child("researcher-signin"), attachment: child("researcher-signin-attachment"), role: a.SignInRole,
		args: &iam.PolicyArgs{
			Description: pulumi.Sprintf("Each researcher of %s signs in to Redshift as their own database user", a.PIT),
			Policy:      pulumi.String(doc),
			Tags:        pulumi.StringMap{"Name": pulumi.String(a.PIT + "-researcher-redshift")},
		},
		createErr: "create the redshift sign-in policy", attachErr: "attach the redshift sign-in policy",
	}, parent)
	return err
}
