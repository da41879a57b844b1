package config

import "strings"

// MinReviewers is the fewest reviewers sce:outputReviewers may name when it names any: a release needs
// two approvals by distinct reviewers.
const MinReviewers = 2

// projectRoleNames are the names (or name prefixes, ending with "-") of the project's own roles, which
// may not review: the requester's identity on the workstation (the researcher role, and the instance
// role under its fixed name or a name Pulumi derived from its logical name), and the roles of the
// project's services.
func projectRoleNames(pit string) []string {
	return []string{pit + "-researcher", pit + "-workstation", pit + "-upload-ledger", pit + "-airlock-release", pit + "-malware-scan",
		pit + "-workstation-role-", pit + "-bastion-role-", pit + "-workers-role-", pit + "-atlas-role-"}
}

// outputReviewers reads sce:outputReviewers. Each entry must be one role (no wildcards: an approval is a
// person's) of the region's partition; none may be listed twice or be one of the project's own roles;
// and a list that is set must name at least MinReviewers, since fewer can never release anything. An
// empty list is allowed, and is the secure default: nothing can be released until reviewers are named.
func (r *reader) outputReviewers(c *Config) []string {
	key := full(KeyOutputReviewers)
	list := r.checkedList(KeyOutputReviewers, CheckRoleARN)
	var out []string
	seen := map[string]bool{}
	for _, arn := range list {
		name := arn[strings.Index(arn, ":role/")+len(":role/"):]
		name = name[strings.LastIndex(name, "/")+1:]
		switch {
		case strings.ContainsAny(arn, "*?"):
			r.ps.add(key, arn, "is a pattern; a reviewer is one role, one person: give its exact ARN")
		case c.Partition != "" && !strings.HasPrefix(arn, "arn:"+c.Partition+":"):
			r.ps.add(key, arn, "is not in partition %s, the region's", c.Partition)
		case seen[arn]:
			r.ps.add(key, arn, "is listed twice; two approvals must come from two distinct reviewers")
		case c.PIT != "" && isProjectRole(c.PIT, name):
			r.ps.add(key, arn, "is one of the project's own roles (%s); reviewers are people's roles outside the project's workload, never the requester's", name)
		default:
			seen[arn] = true
			out = append(out, arn)
		}
	}
	if len(list) > 0 && len(list) < MinReviewers {
		r.ps.add(key, strings.Join(list, ", "), "names %d reviewer; a release needs %d approvals by distinct reviewers, so name at least %d (or none, and nothing can be released)",
			len(list), MinReviewers, MinReviewers)
	}
	return out
}

// isProjectRole reports whether a role name is one of the project's own.
func isProjectRole(pit, name string) bool {
	for _, n := range projectRoleNames(pit) {
		if name == n || (strings.HasSuffix(n, "-") && strings.HasPrefix(name, n)) {
			return true
		}
	}
	return false
}
