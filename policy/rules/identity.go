package rules

// identityRules returns the identity rules.
func identityRules() []Rule {
	return nil
}
