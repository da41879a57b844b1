package rules

// storageRules returns the storage rules.
func storageRules() []Rule {
	return nil
}
