package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sce-project/sce/policy/engine"
)

// instance is one EC2 instance of the stack as the flows that act on it see it.
type instance struct {
	r *engine.Resource
	// name is the instance's purpose ("workstation"), from its logical name "<pit>-<purpose>-instance".
	name string
	arn  string
	// keys are the KMS keys of its encrypted EBS volumes (root and attached), each once.
	keys []string
	// volumes are the ARNs of its attached (not root) volumes; encrypted counts its encrypted volumes,
	// root included.
	volumes   []string
	encrypted int
}

// instanceByID finds the stack's instance whose id or ARN is v.
func (m *model) instanceByID(v string) (instance, bool) {
	for _, r := range m.s.OfType("aws:ec2/instance:Instance") {
		if r.ID == v || arnOf(r) == v {
			return m.instance(r), true
		}
	}
	return instance{}, false
}

// instance reads an instance's ARN, its volumes and their keys: the root volume's kmsKeyId, and each
// aws:ebs/volume attached to it by an aws:ec2/volumeAttachment.
func (m *model) instance(r *engine.Resource) instance {
	in := instance{r: r, name: purposeOf(r.Name, "-instance"), arn: arnOf(r)}
	if in.arn == "" && r.ID != "" {
		in.arn = fmt.Sprintf("arn:aws:ec2:%s:%s:instance/%s", m.region(), m.account, r.ID)
	}
	seen := map[string]bool{}
	addKey := func(encrypted any, key string) {
		if encrypted != true && encrypted != "true" {
			return
		}
		in.encrypted++
		if key != "" && !seen[key] {
			seen[key] = true
			in.keys = append(in.keys, key)
		}
	}
	addKey(lookup(r.Props, "rootBlockDevice", "encrypted"), str(lookup(r.Props, "rootBlockDevice", "kmsKeyId")))
	for _, a := range m.s.OfType("aws:ec2/volumeAttachment:VolumeAttachment") {
		if str(a.Props["instanceId"]) != r.ID || r.ID == "" {
			continue
		}
		for _, v := range m.s.OfType("aws:ebs/volume:Volume") {
			if v.ID == str(a.Props["volumeId"]) {
				addKey(v.Props["encrypted"], str(v.Props["kmsKeyId"]))
				in.volumes = append(in.volumes, arnOf(v))
			}
		}
	}
	sort.Strings(in.keys)
	return in
}

// instanceRoleARN returns the ARN of the role of the instance's profile.
func (m *model) instanceRoleARN(in instance) string {
	return m.profileRole(str(in.r.Props["iamInstanceProfile"]))
}

// resourceTags is the request context a condition on aws:ResourceTag/<key> reads for a resource: every
// tag AWS gives it, its provider's defaultTags included.
func resourceTags(r *engine.Resource) map[string][]string {
	ctx := map[string][]string{}
	for k, v := range r.Tags() {
		if s, ok := v.(string); ok {
			ctx["aws:ResourceTag/"+k] = []string{s}
		}
	}
	return ctx
}

// region is the stack's region, from the project key's ARN.
func (m *model) region() string {
	if parts := strings.Split(m.key, ":"); len(parts) > 4 {
		return parts[3]
	}
	return ""
}

// purposeOf turns a logical name "<pit>-<purpose><suffix>" into "<purpose>".
func purposeOf(name, suffix string) string {
	name = strings.TrimSuffix(name, suffix)
	if _, rest, ok := strings.Cut(name, "-"); ok {
		return rest
	}
	return name
}

// volumes says "1 encrypted volume", "2 encrypted volumes".
func volumes(n int) string {
	if n == 1 {
		return "1 encrypted volume"
	}
	return fmt.Sprintf("%d encrypted volumes", n)
}
