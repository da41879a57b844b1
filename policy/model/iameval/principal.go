package iameval

import (
	"fmt"
	"slices"
	"strings"
)

// callerKind is the type of principal that sends a request.
type callerKind int

const (
	anonymousCaller callerKind = iota
	serviceCaller
	rootCaller
	userCaller
	roleCaller // a role's ARN, for a session whose name the request does not give
	sessionCaller
	federatedUserCaller
	otherCaller
)

// caller is the request's principal as policy evaluation sees it (IAM User Guide, "AWS JSON policy
// elements: Principal", sections "AWS account principals", "IAM role principals", "Role session
// principals", "AWS STS federated user session principals", "AWS service principals",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
type caller struct {
	kind      callerKind
	raw       string
	partition string
	account   string
	// role is the role's ARN for a role or a role session: the value of aws:PrincipalArn ("When you use
	// this key, the role session principal is granted the permissions based on the ARN of role that was
	// assumed, and not the ARN of the resulting session").
	role string
}

// parseCaller reads Request.Principal: "" is an anonymous request; a name without "arn:" and with a dot
// is a service principal; otherwise an ARN. A session "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION"
// belongs to the role "arn:aws:iam::ACCOUNT:role/ROLE"; when the context gives aws:PrincipalArn for that
// role (with its path), that ARN is used.
func parseCaller(principal string, ctx map[string][]string) caller {
	c := caller{raw: principal}
	switch {
	case principal == "":
		c.kind = anonymousCaller
		return c
	case isAccountID(principal):
		c.kind, c.account, c.partition = rootCaller, principal, "aws"
		return c
	case !strings.HasPrefix(principal, "arn:") && strings.Contains(principal, "."):
		c.kind = serviceCaller
		return c
	}
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) != 6 {
		c.kind = otherCaller
		return c
	}
	c.partition, c.account = parts[1], parts[4]
	service, resource := parts[2], parts[5]
	switch {
	case service == "iam" && resource == "root":
		c.kind = rootCaller
	case service == "iam" && strings.HasPrefix(resource, "user/"):
		c.kind = userCaller
	case service == "iam" && strings.HasPrefix(resource, "role/"):
		c.kind, c.role = roleCaller, principal
	case service == "sts" && strings.HasPrefix(resource, "assumed-role/"):
		c.kind = sessionCaller
		name, _, _ := strings.Cut(strings.TrimPrefix(resource, "assumed-role/"), "/")
		c.role = fmt.Sprintf("arn:%s:iam::%s:role/%s", c.partition, c.account, name)
		if v, ok := lookup(ctx, "aws:PrincipalArn"); ok && len(v) == 1 && strings.HasSuffix(v[0], "/"+name) &&
			strings.HasPrefix(v[0], fmt.Sprintf("arn:%s:iam::%s:role/", c.partition, c.account)) {
			c.role = v[0]
		}
	case service == "sts" && strings.HasPrefix(resource, "federated-user/"):
		c.kind = federatedUserCaller
	default:
		c.kind = otherCaller
	}
	return c
}

// principalARN is aws:PrincipalArn for the caller: the role's ARN for a role session, the ARN itself for
// users, roles, the root user and federated users, nothing for anonymous and service principals (IAM User
// Guide, "AWS global condition context keys", aws:PrincipalArn).
func (c caller) principalARN() string {
	switch c.kind {
	case sessionCaller, roleCaller:
		return c.role
	case userCaller, rootCaller, federatedUserCaller:
		if isAccountID(c.raw) {
			return fmt.Sprintf("arn:%s:iam::%s:root", c.partition, c.account)
		}
		return c.raw
	}
	return ""
}

// iam reports whether the caller is an IAM identity of an account (not anonymous, not a service).
func (c caller) iam() bool {
	return c.kind != anonymousCaller && c.kind != serviceCaller && c.account != ""
}

// matchKind is how a Principal element names the caller.
type matchKind int

const (
	noMatch matchKind = iota
	// accountMatch: the element names the caller's account. This "delegates authority to the account":
	// for an Allow, the account's identity policies must allow the request too (the Principal page,
	// "AWS account principals"; KMS Developer Guide, "Default key policy").
	accountMatch
	// directMatch: the element names the caller itself ("*", its role, session, user or service).
	directMatch
)

// match reports how the Principal element names the caller. An account principal (its id or root ARN)
// names every IAM identity of that account, as a delegation; a role ARN names the role and its sessions;
// a session, user or federated user ARN names exactly that principal; "*" names everyone, anonymous
// requests included. undecided is set when a CanonicalUser entry might be the caller's account: the
// evaluator cannot tell from an ARN.
func (p *Principal) match(c caller) (kind matchKind, undecided bool) {
	if p.Anyone {
		return directMatch, false
	}
	if c.kind == serviceCaller {
		for _, s := range p.Services {
			if s == c.raw {
				return directMatch, false
			}
		}
		return noMatch, false
	}
	best := noMatch
	for _, a := range p.AWS {
		switch {
		case a == c.raw || (c.role != "" && a == c.role):
			return directMatch, false
		case c.iam() && namesAccount(a, c):
			if c.kind == rootCaller {
				return directMatch, false
			}
			best = accountMatch
		}
	}
	for _, f := range p.Federated {
		if f == c.raw {
			return directMatch, false
		}
	}
	for _, cu := range p.CanonicalUsers {
		if cu == c.raw {
			return directMatch, false
		}
		if best == noMatch && c.iam() {
			undecided = true
		}
	}
	return best, undecided
}

// excepts reports whether a NotPrincipal element excepts the caller from its Deny (IAM User Guide, "AWS
// JSON policy elements: NotPrincipal", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html):
// "AWS might validate the account first and then the user. If an assumed-role user ... is being
// evaluated, AWS might validate the account first, then the role, and then the assumed-role user." The
// caller is excepted only when every link of that chain is listed: the account (its id or root ARN),
// then the user, or the role and the session. A request that names only the role (no session) against a
// NotPrincipal listing that role is refused: whether its sessions are excepted depends on the session
// name.
func (p *Principal) excepts(c caller) (bool, error) {
	if p.Anyone {
		return true, nil
	}
	switch c.kind {
	case anonymousCaller:
		return false, nil
	case serviceCaller:
		return slices.Contains(p.Services, c.raw), nil
	case otherCaller:
		return slices.Contains(p.AWS, c.raw), nil
	}
	account := false
	for _, a := range p.AWS {
		if namesAccount(a, c) {
			account = true
		}
	}
	excepted := false
	switch c.kind {
	case rootCaller:
		excepted = account
	case userCaller, federatedUserCaller:
		excepted = account && slices.Contains(p.AWS, c.raw)
	case sessionCaller:
		excepted = account && slices.Contains(p.AWS, c.role) && slices.Contains(p.AWS, c.raw)
	case roleCaller:
		if account && slices.Contains(p.AWS, c.role) {
			return false, fmt.Errorf("NotPrincipal lists role %s: whether its sessions are excepted depends on the session ARN; "+
				"give the request's principal as arn:%s:sts::%s:assumed-role/ROLE/SESSION", c.role, c.partition, c.account)
		}
	}
	if !excepted && len(p.CanonicalUsers) > 0 {
		return false, fmt.Errorf("NotPrincipal names a CanonicalUser: the evaluator cannot tell whether it is the account of %s", c.raw)
	}
	return excepted, nil
}

// namesAccount reports whether a principal entry is the caller's account: its 12-digit id or its root
// ARN in the caller's partition.
func namesAccount(entry string, c caller) bool {
	if isAccountID(entry) {
		return entry == c.account
	}
	return entry == fmt.Sprintf("arn:%s:iam::%s:root", c.partition, c.account)
}

// isAccountID reports whether s is an AWS account id: twelve digits.
func isAccountID(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}
