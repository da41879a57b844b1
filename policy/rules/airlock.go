package rules

import (
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// The airlock rule judges the egress path's release function (components/airlock.go): that it can ever
// release something. That its trigger can be created is lambda-stream-source-enabled (lambda.go).

// What the release function needs to release anything.
const (
	// releaseFunctionSuffix is the logical-name suffix of the release function.
	releaseFunctionSuffix = "-airlock-function"
	// minApprovals is what a release needs: two approvals by distinct reviewers.
	minApprovals = 2
)

// airlockRules returns the rule that the airlock's release function has reviewers enough to release.
func airlockRules() []engine.Rule {
	return []engine.Rule{
		{
			ID: "airlock-has-reviewers",
			Description: "The airlock's release function knows at least two reviewers (REVIEWERS, from sce:outputReviewers): a release needs " +
				"two approvals by distinct reviewers, neither the requester, so with fewer nothing can leave the SCE. Advisory: a stack " +
				"without reviewers is safe, only its researchers cannot get results out yet.",
			Level: engine.Advisory,
			HIPAA: []string{hipaaAccessAuthorize},
			Sources: engine.Sources{Other: "SATRE v2 3.3.04-3.3.07 (a documented output checking process with assigned checkers); OpenSAFELY's " +
				"Airlock (no self-review); this project's design (docs/airlock.md)"},
			Types: []string{typeLambdaFunction},
			Check: checkReleaseReviewers,
		},
	}
}

// checkReleaseReviewers finds a release function with fewer than two reviewers.
func checkReleaseReviewers(r *engine.Resource) []engine.Finding {
	if !strings.HasSuffix(r.Name, releaseFunctionSuffix) {
		return nil
	}
	v, ok := r.Get("environment.variables.REVIEWERS")
	if ok && engine.IsUnknown(v) {
		return engine.Undecided("environment.variables.REVIEWERS")
	}
	s, _ := v.(string)
	n := 0
	for _, e := range strings.Split(s, ",") {
		if strings.TrimSpace(e) != "" {
			n++
		}
	}
	if n >= minApprovals {
		return nil
	}
	return engine.Fail("the release function knows %d reviewer(s); a release needs %d approvals by distinct reviewers, so nothing can be released: set sce:outputReviewers to at least two reviewers' roles", n, minApprovals)
}
