package components

// ledgerReaderStatements let the airlock's reviewers use the project key through DynamoDB, for the upload
// ledger table only. The table is encrypted with the project key, and DynamoDB uses it on behalf of each
// caller ("How Amazon DynamoDB uses AWS KMS", https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html:
// the key policy of a customer managed key must allow the principals that use the table, with
// kms:ViaService and kms:CallerAccount as in the AWS managed key's policy; DynamoDB's encryption
// context names the table, aws:dynamodb:tableName). The reviewers' roles are not the project's, so
// their own policies cannot be counted on: the key policy names them, for this use only.
func ledgerReaderStatements(a ProjectKeyArgs) []Statement {
	if len(a.LedgerReaders) == 0 || a.LedgerTable == "" {
		return nil
	}
	return []Statement{{
		Sid:       "AirlockReviewersUseTheKeyForTheLedgerThroughDynamoDB",
		Effect:    Allow,
		Principal: &Principal{AWS: a.LedgerReaders},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"},
		Resource:  []string{"*"},
		Condition: Condition{"StringEquals": {
			"kms:ViaService":    {"dynamodb." + a.ARNs.Region + ".amazonaws.com"},
			"kms:CallerAccount": {a.ARNs.AccountID},
			"kms:EncryptionContext:aws:dynamodb:tableName": {a.LedgerTable},
		}},
	}}
}
