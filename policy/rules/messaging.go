package rules

// messagingRules returns the messaging rules.
func messagingRules() []Rule {
	return nil
}
