package components

// The read-only database user of a RedshiftOMOP's analysis tools: its generated password and the secret
// that holds its credentials.

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// readOnlyCredentials generates the read-only user's password and stores it, with the connection
// details, in a secret encrypted with the project key. The password itself never leaves the secret and
// Pulumi's encrypted state: the statements turn it into a digest. It returns the password and the version
// id of the secret value, which changes with the password.
func readOnlyCredentials(ctx *pulumi.Context, child func(string) string, a RedshiftOMOPArgs, r *RedshiftOMOP, parent pulumi.ResourceOption) (pulumi.StringOutput, pulumi.StringOutput, error) {
	password, err := random.NewRandomPassword(ctx, child("readonly-password"), &random.RandomPasswordArgs{
		Length: pulumi.Int(32), MinUpper: pulumi.Int(2), MinLower: pulumi.Int(2), MinNumeric: pulumi.Int(2),
		Special: pulumi.Bool(true), OverrideSpecial: pulumi.String("!#$%^&*()-_=+[]{}<>:?"),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("generate read-only password: %w", err)
	}
	secret, err := secretsmanager.NewSecret(ctx, child("readonly-secret"), &secretsmanager.SecretArgs{
		Name:                 pulumi.Sprintf("%s/omop/%s", a.PIT, a.ReadOnlyUser),
		Description:          pulumi.String("Credentials of the read-only OMOP database user of the analysis tools"),
		KmsKeyId:             a.KMSKeyARN,
		RecoveryWindowInDays: pulumi.Int(30),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(a.PIT + "-omop-readonly")},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("create read-only secret: %w", err)
	}
	value := pulumi.All(password.Result, r.Cluster.Endpoint).ApplyT(func(v []any) (string, error) {
		host, port := splitEndpoint(v[1].(string))
		b, err := json.Marshal(map[string]any{
			"username": a.ReadOnlyUser, "password": v[0].(string), "engine": "redshift",
			"host": host, "port": port, "dbname": a.DatabaseName,
		})
		if err != nil {
			return "", fmt.Errorf("encode read-only secret: %w", err)
		}
		return string(b), nil
	}).(pulumi.StringOutput)
	version, err := secretsmanager.NewSecretVersion(ctx, child("readonly-secret-value"), &secretsmanager.SecretVersionArgs{
		SecretId: secret.ID(), SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, pulumi.StringOutput{}, fmt.Errorf("store read-only secret: %w", err)
	}
	r.ReadOnlySecretARN = secret.Arn
	r.ReadOnlySecretValue = version
	return password.Result, version.VersionId, nil
}
