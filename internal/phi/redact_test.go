package phi

import "testing"

func TestTheRedactorReplacesTheLongestFormFirst(t *testing.T) {
	r := NewRedactor("[key]", "a/b", "", "a/b/c.csv", "a/b")
	if got := r.Redact("get a/b/c.csv and a/b/d"); got != "get [key] and [key]/d" {
		t.Errorf("Redact = %q", got)
	}
	if got := (Redactor{}).Redact("a/b"); got != "a/b" {
		t.Errorf("the zero Redactor changed %q", got)
	}
}

func TestEscapeKeyKeepsSlashesAndTheUnreservedCharacters(t *testing.T) {
	if got, want := EscapeKey("in/Jane Doe+1 (ward)~_.-.csv"), "in/Jane%20Doe%2B1%20%28ward%29~_.-.csv"; got != want {
		t.Errorf("EscapeKey = %q, want %q", got, want)
	}
}
