package rules

// serverlessRules returns the serverless rules.
func serverlessRules() []Rule {
	return nil
}
