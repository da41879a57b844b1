package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatefulResourcesAreBackedUpDailyIntoAnEncryptedVault(t *testing.T) {
	p := planWith(t, map[string]string{"sce:backupRetentionDays": "90"})
	key := out(p.Find("aws:kms/key:Key")[0], "arn")
	vault := one(t, p, "aws:backup/vault:Vault", "study-backup-vault")
	assert.Equal(t, key, in(vault, "kmsKeyArn"), "recovery points are encrypted with the project key")
	assert.True(t, vault.RetainOnDelete, "recovery points hold PHI and outlive the stack until they expire")
	assert.True(t, vault.Protect)

	plan := one(t, p, "aws:backup/plan:Plan", "study-backup-plan")
	rules := plan.Inputs["rules"].([]any)
	require.Len(t, rules, 1)
	rule := rules[0].(map[string]any)
	assert.Equal(t, "cron(0 5 ? * * *)", rule["schedule"], "daily")
	assert.Equal(t, out(vault, "name"), rule["targetVaultName"])
	assert.EqualValues(t, 90, rule["lifecycle"].(map[string]any)["deleteAfter"])

	sel := one(t, p, "aws:backup/selection:Selection", "study-backup-selection")
	assert.Equal(t, plan.ID, in(sel, "planId"))
	assert.ElementsMatch(t, []any{
		out(one(t, p, instanceType, "study-workstation-instance"), "arn"),
		out(one(t, p, "aws:dynamodb/table:Table", "study-ledger-table"), "arn"),
	}, sel.Inputs["resources"], "the workstation (with its volumes) and the ledger; not the bastion")
	role := one(t, p, "aws:iam/role:Role", "study-backup-role")
	assert.Equal(t, out(role, "arn"), in(sel, "iamRoleArn"))
	trust := policyOf(t, role, "assumeRolePolicy")
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, []string{"backup.amazonaws.com"}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{"111122223333"}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"], "no confused deputy")
}

func TestTheAtlasHostIsBackedUpToo(t *testing.T) {
	p := omopPlan(t, nil)
	sel := one(t, p, "aws:backup/selection:Selection", "study-backup-selection")
	assert.Contains(t, sel.Inputs["resources"], out(one(t, p, instanceType, "study-atlas-instance"), "arn"), "WebAPI's database lives on its root volume")
}
