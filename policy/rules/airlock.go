package rules

import (
	"fmt"
	"strings"
)

// The airlock rules judge the egress path's release function (components/airlock.go): that it can
// ever release something, and that its trigger can be created.

const (
	typeEventSourceMapping = "aws:lambda/eventSourceMapping:EventSourceMapping"
	// releaseFunctionSuffix is the logical-name suffix of the release function.
	releaseFunctionSuffix = "-airlock-function"
	// minApprovals is what a release needs: two approvals by distinct reviewers.
	minApprovals = 2
)

func airlockRules() []Rule {
	return []Rule{
		{
			ID: "airlock-has-reviewers",
			Description: "The airlock's release function knows at least two reviewers (REVIEWERS, from sce:outputReviewers): a release needs " +
				"two approvals by distinct reviewers, neither the requester, so with fewer nothing can leave the SCE. Advisory: a stack " +
				"without reviewers is safe, only its researchers cannot get results out yet.",
			Level: Advisory,
			HIPAA: []string{hipaaAccessAuthorize},
			Sources: Sources{Other: "SATRE v2 3.3.04-3.3.07 (a documented output checking process with assigned checkers); OpenSAFELY's " +
				"Airlock (no self-review); this project's design (docs/airlock.md)"},
			Types: []string{typeLambdaFunction},
			Check: checkReleaseReviewers,
		},
		{
			ID: "lambda-stream-source-enabled",
			Description: "An event source mapping that reads a DynamoDB table's stream names the stream of a table of the stack whose stream " +
				"is on and records the new image (NEW_IMAGE or NEW_AND_OLD_IMAGES): Lambda cannot map a table without a stream, and the " +
				"release function judges each item by its new image.",
			Level:    Mandatory,
			Category: CategoryDeployability,
			HIPAA:    []string{hipaaIntegrity},
			Sources: Sources{Other: "DynamoDB Developer Guide, \"DynamoDB Streams and AWS Lambda triggers\" (Streams.Lambda.html) and " +
				"\"Change data capture for DynamoDB Streams\" (StreamViewType); Lambda API Reference, CreateEventSourceMapping"},
			Types:      []string{typeEventSourceMapping, typeDynamoDBTable},
			CheckStack: checkStreamSources,
		},
	}
}

// checkReleaseReviewers finds a release function with fewer than two reviewers.
func checkReleaseReviewers(r *Resource) []Finding {
	if !strings.HasSuffix(r.Name, releaseFunctionSuffix) {
		return nil
	}
	v, ok := r.Get("environment.variables.REVIEWERS")
	if ok && IsUnknown(v) {
		return undecided("environment.variables.REVIEWERS")
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
	return fail("the release function knows %d reviewer(s); a release needs %d approvals by distinct reviewers, so nothing can be released: set sce:outputReviewers to at least two reviewers' roles", n, minApprovals)
}

// checkStreamSources checks each DynamoDB stream mapping against the table whose stream it names.
func checkStreamSources(s *Stack) []Finding {
	var out []Finding
	for _, m := range s.OfType(typeEventSourceMapping) {
		src := stringAtOr(m.Props, "eventSourceArn")
		if IsUnknown(src) || !strings.Contains(src, ":dynamodb:") {
			continue
		}
		var table *Resource
		for _, t := range s.OfType(typeDynamoDBTable) {
			if arn, _ := t.Outputs["streamArn"].(string); arn != "" && arn == src {
				table = t
			}
		}
		if table == nil {
			out = append(out, Finding{URN: m.URN, Message: fmt.Sprintf("eventSourceArn %s is the stream of no table of the stack whose stream is on (streamEnabled: true)", src)})
			continue
		}
		enabled, _ := asBool(table.Props["streamEnabled"])
		view := stringAtOr(table.Props, "streamViewType")
		if !enabled || (view != "NEW_IMAGE" && view != "NEW_AND_OLD_IMAGES") {
			out = append(out, Finding{URN: table.URN, Message: fmt.Sprintf("the table's stream is read by %s but streamEnabled is %v and streamViewType %q: "+
				"turn the stream on with NEW_IMAGE (or NEW_AND_OLD_IMAGES)", m.Name, enabled, view)})
		}
	}
	return out
}
