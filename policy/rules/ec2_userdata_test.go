package rules

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sce-project/sce/policy/engine"
)

func TestUserDataNoCredentials(t *testing.T) {
	script := func(s string) string { b, _ := json.Marshal(map[string]string{"userData": s}); return string(b) }
	lt := func(s string) string {
		b, _ := json.Marshal(map[string]string{"userData": base64.StdEncoding.EncodeToString([]byte(s))})
		return string(b)
	}
	checkRule(t, "ec2-user-data-no-credentials", []ruleCase{
		{name: "a password generated at boot is compliant", rs: []*engine.Resource{res(t, typeInstance, "i",
			script("#!/bin/bash\nwebapi_db_password=$(openssl rand -hex 24)\nPOSTGRES_PASSWORD=${webapi_db_password}\nUPDATE s SET password = EXCLUDED.password;\n"))}},
		{name: "no user data is compliant", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}},
		{name: "a literal password violates, without quoting it", rs: []*engine.Resource{res(t, typeInstance, "i",
			script("#!/bin/bash\nexport DB_PASSWORD='hunter2'\n"))}, want: "assigns a literal value to DB_PASSWORD"},
		{name: "an access key id violates", rs: []*engine.Resource{res(t, typeInstance, "i", script("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"))},
			want: "AWS access key id"},
		{name: "a private key in a launch template violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt",
			lt("cat >/root/key <<'K'\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\nK\n"))}, want: "private key"},
		{name: "a secret user data violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"userData":"[secret]"}`)}, want: "userData is a secret"},
		{name: "unknown user data is undecided", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{"userData":"x"}`), "userData")},
			want: "userData", undecided: true},
	})
}

func TestUserDataSize(t *testing.T) {
	limit := strings.Repeat("x", bootMaxUserData)
	over := limit + "x"
	b64 := base64.StdEncoding.EncodeToString
	checkRule(t, "ec2-user-data-size", []ruleCase{
		{name: "an instance with exactly 16 KB is compliant", rs: []*engine.Resource{withProp(res(t, typeInstance, "i", `{}`), "userData", limit)}},
		{name: "a launch template with 16 KB encoded in base64 is compliant, although its base64 form is longer",
			rs: []*engine.Resource{withProp(res(t, typeLaunchTemplate, "lt", `{}`), "userData", b64([]byte(limit)))}},
		{name: "an instance without user data is not judged", rs: []*engine.Resource{res(t, typeInstance, "i", `{}`)}},
		{name: "a secret user data is left to the credentials rule", rs: []*engine.Resource{res(t, typeInstance, "i", `{"userData":"[secret]"}`)}},
		{name: "an instance with one byte too many violates", rs: []*engine.Resource{withProp(res(t, typeInstance, "i", `{}`), "userData", over)},
			want: "userData is 16385 bytes before base64 encoding; EC2 accepts at most 16384"},
		{name: "a launch template with too much decoded user data violates", rs: []*engine.Resource{withProp(res(t, typeLaunchTemplate, "lt", `{}`), "userData", b64([]byte(over)))},
			want: "userData is 16385 bytes"},
		{name: "a launch template whose user data is not base64 violates", rs: []*engine.Resource{res(t, typeLaunchTemplate, "lt", `{"userData":"#!/bin/bash\necho hi"}`)},
			want: "not valid base64"},
		{name: "user data that is not a string violates", rs: []*engine.Resource{res(t, typeInstance, "i", `{"userData":{"a":1}}`)}, want: "expected a string"},
		{name: "unknown user data is undecided", rs: []*engine.Resource{unknownValue(res(t, typeInstance, "i", `{}`), "userData")},
			want: "userData is unknown", undecided: true},
	})
}
