package iameval

import "strings"

// DerivedContext returns the request's context with the keys AWS sets from the principal itself added
// where the request does not give them (IAM User Guide, "AWS global condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html, and "IAM
// policy elements: Variables and tags", "Principal key values"):
//
//   - aws:PrincipalArn: the role's ARN for a role session, the ARN of a user, role or root user;
//   - aws:PrincipalAccount: the principal's account;
//   - aws:PrincipalType: AssumedRole, User, Account, FederatedUser or Anonymous;
//   - aws:username: the friendly name of an IAM user (only users have one);
//   - aws:PrincipalIsAWSService: true for a service principal, false for any other signed request;
//   - aws:PrincipalServiceName: the service principal.
//
// Keys the request gives are never replaced. The map is a copy: the request's own is not modified.
func DerivedContext(r Request) map[string][]string {
	out := make(map[string][]string, len(r.Context)+6)
	for k, v := range r.Context {
		out[k] = v
	}
	c := parseCaller(r.Principal, r.Context)
	set := func(key, value string) {
		if value == "" {
			return
		}
		if _, ok := lookup(out, key); !ok {
			out[key] = []string{value}
		}
	}
	switch c.kind {
	case anonymousCaller:
		set("aws:PrincipalType", "Anonymous")
		return out
	case serviceCaller:
		set("aws:PrincipalIsAWSService", "true")
		set("aws:PrincipalServiceName", c.raw)
		return out
	}
	set("aws:PrincipalArn", c.principalARN())
	set("aws:PrincipalAccount", c.account)
	set("aws:PrincipalIsAWSService", "false")
	switch c.kind {
	case sessionCaller, roleCaller:
		set("aws:PrincipalType", "AssumedRole")
	case userCaller:
		set("aws:PrincipalType", "User")
		name := c.raw[strings.LastIndex(c.raw, "/")+1:]
		set("aws:username", name)
	case rootCaller:
		set("aws:PrincipalType", "Account")
	case federatedUserCaller:
		set("aws:PrincipalType", "FederatedUser")
	}
	return out
}
