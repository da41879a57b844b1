package rules

// databaseRules returns the database rules.
func databaseRules() []Rule {
	return nil
}
