package export

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// ignoreComments writes the exemptions anchored to one resource block as each scanner's inline ignore:
//
//   - above the block, one explanatory line per exemption (rule and reason), then Trivy's ignores on the
//     line right above `resource` (Trivy applies an ignore to the block that starts on the next line, and
//     chains adjacent ignore lines), and KICS's query-scoped `kics-scan ignore-line=<query id>`, which must
//     also be the comment right before `resource` (KICS ignores the line after the comment's next token).
//     So when KICS ids exist, the last line is `# kics-scan ignore-line=<id> trivy:ignore:<id> ...`, which
//     both parse: KICS takes the first command, Trivy every `trivy:` word;
//   - inside the block, Checkov's `#checkov:skip=<id>:<reason>` (Checkov reads suppressions inside the
//     resource's scope).
func (c *converter) ignoreComments(exemptions []anchoredExemption) (above, inside hclwrite.Tokens) {
	if len(exemptions) == 0 {
		return nil, nil
	}
	var explain, trivy, kics, checkov []string
	for _, e := range exemptions {
		ids := append(append(append([]string{}, e.trivy...), e.checkov...), e.kics...)
		scanners := "no equivalent scanner check here"
		if len(ids) > 0 {
			scanners = "scanner checks " + strings.Join(ids, ", ")
		}
		subject := ""
		if a, ok := c.addr[e.URN]; ok {
			subject = " on " + a.Type + "." + a.Name
		}
		explain = append(explain, fmt.Sprintf("# SCE policy exemption %s%s (%s): %s", e.Policy, subject, scanners, oneLine(e.Reason)))
		for _, id := range e.trivy {
			trivy = appendOnce(trivy, "trivy:ignore:"+id)
		}
		for _, id := range e.kics {
			kics = appendOnce(kics, "kics-scan ignore-line="+id)
		}
		for _, id := range e.checkov {
			checkov = append(checkov, fmt.Sprintf("#checkov:skip=%s:SCE policy exemption %s: %s", id, e.Policy, oneLine(e.Reason)))
		}
	}
	lines := explain
	switch {
	case len(kics) > 0:
		for _, k := range kics[:len(kics)-1] {
			lines = append(lines, "# "+k)
		}
		last := append([]string{kics[len(kics)-1]}, trivy...)
		lines = append(lines, "# "+strings.Join(last, " "))
	default:
		for _, t := range trivy {
			lines = append(lines, "#"+t)
		}
	}
	return commentTokens(lines...), commentTokens(checkov...)
}

// oneLine flattens a reason onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// appendOnce appends s unless the list holds it.
func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
