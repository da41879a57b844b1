package components

// How a component fills the fields of its Args that the caller left unset.

// setDefault sets *field to def when it holds its type's zero value (0, ""), the Args convention for a
// field left unset.
func setDefault[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}
