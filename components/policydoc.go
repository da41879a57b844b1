package components

import (
	"encoding/json"
	"fmt"
)

// PolicyVersion is the only current IAM policy language version.
const PolicyVersion = "2012-10-17"

// PolicyDocument is an IAM policy document: identity, key, endpoint or trust policy.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a PolicyDocument.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    string     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource,omitempty"`
	// NotResource is every resource but these; a statement has Resource or NotResource, never both.
	NotResource []string  `json:"NotResource,omitempty"`
	Condition   Condition `json:"Condition,omitempty"`
}

// Condition maps an operator ("StringEquals") to context keys and their accepted values.
type Condition map[string]map[string][]string

// Principal names who a resource-based statement applies to. Anyone marshals to "*".
type Principal struct {
	Anyone  bool
	AWS     []string
	Service []string
}

// MarshalJSON writes "*" for Anyone, else an object of the principal kinds that are set.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Anyone {
		return json.Marshal("*")
	}
	m := map[string][]string{}
	if len(p.AWS) > 0 {
		m["AWS"] = p.AWS
	}
	if len(p.Service) > 0 {
		m["Service"] = p.Service
	}
	return json.Marshal(m)
}

// Effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// JSON marshals the document; a statement without an action or effect is an error, not a silently broken
// policy.
func (d PolicyDocument) JSON() (string, error) {
	for i, s := range d.Statement {
		if s.Effect != Allow && s.Effect != Deny {
			return "", fmt.Errorf("policy statement %d (%s): effect %q is neither Allow nor Deny", i, s.Sid, s.Effect)
		}
		if len(s.Action) == 0 {
			return "", fmt.Errorf("policy statement %d (%s): no action", i, s.Sid)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("marshal policy document: %w", err)
	}
	return string(b), nil
}

// ARNs holds the partition, region and account that the ARNs of one stack are built from.
type ARNs struct {
	Partition string
	Region    string
	AccountID string
}

// AccountRoot is the account's root principal, through which IAM policies are delegated.
func (a ARNs) AccountRoot() string {
	return fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.AccountID)
}

// LogGroup is the ARN of a CloudWatch log group.
func (a ARNs) LogGroup(name string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", a.Partition, a.Region, a.AccountID, name)
}

// Bucket is the ARN of an S3 bucket (or a pattern of names).
func (a ARNs) Bucket(name string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", a.Partition, name)
}

// Objects is the ARN of every object in a bucket.
func (a ARNs) Objects(bucket string) string {
	return a.Bucket(bucket) + "/*"
}

// ServicePrincipal is the principal name of an AWS service ("logs.us-west-2.amazonaws.com" for regional
// ones); GovCloud uses the same service principal names.
func ServicePrincipal(service string) string {
	return service + ".amazonaws.com"
}

// UnmarshalJSON reads "*" or an object whose AWS and Service entries are a string or a list of strings.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var star string
	if err := json.Unmarshal(b, &star); err == nil {
		if star != "*" {
			return fmt.Errorf("principal %q: a string principal must be \"*\"", star)
		}
		*p = Principal{Anyone: true}
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("principal: %w", err)
	}
	*p = Principal{}
	for kind, raw := range m {
		list, err := stringOrList(raw)
		if err != nil {
			return fmt.Errorf("principal %s: %w", kind, err)
		}
		switch kind {
		case "AWS":
			p.AWS = list
		case "Service":
			p.Service = list
		default:
			return fmt.Errorf("principal kind %q is not supported", kind)
		}
	}
	return nil
}

func stringOrList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("expected a string or a list of strings: %w", err)
	}
	return list, nil
}
