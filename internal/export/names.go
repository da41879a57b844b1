package export

import (
	"strings"
	"unicode"
)

// snake converts a Pulumi camelCase name to Terraform's snake_case: "cidrBlock" → "cidr_block",
// "s3BucketName" → "s3_bucket_name", "ipv6CidrBlock" → "ipv6_cidr_block", "HTTPEndpoint" → "http_endpoint".
// Names that are not camelCase are returned lower-cased.
func snake(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLowerOrDigit := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			acronymEnd := i > 0 && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLowerOrDigit || acronymEnd {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if r == '-' || r == ' ' || r == '.' {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// identifier turns a Pulumi logical name into a Terraform identifier: letters, digits and underscores,
// starting with a letter or underscore ("hipaa-vpc" → "hipaa_vpc", "1st" → "_1st").
func identifier(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	id := b.String()
	if id == "" || (!unicode.IsLetter(rune(id[0])) && id[0] != '_') {
		id = "_" + id
	}
	return id
}
