package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountID is the account the mock deploys into: AWS's documentation example account.
const AccountID = "111122223333"

// Recorder is a Pulumi mock monitor that records every registration and answers like AWS would: a
// realistic id and the computed outputs (ARNs, addresses, default ids) in AWS's formats for AccountID and
// the stack's region. It is safe for concurrent use.
type Recorder struct {
	project, stack    string
	region, partition string
	mu                sync.Mutex
	resources         []Resource
	outputsByID       map[string]resource.PropertyMap
	// missingRoles are IAM role names the mock account does not have (a fresh account without a
	// service-linked role), so that tests can follow the program's answer to a failed lookup.
	missingRoles map[string]bool
}

// WithoutRoles makes the mock account lack the named IAM roles: aws:iam/getRole fails for them as it does
// in AWS (NoSuchEntity).
func (r *Recorder) WithoutRoles(names ...string) *Recorder {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.missingRoles == nil {
		r.missingRoles = map[string]bool{}
	}
	for _, n := range names {
		r.missingRoles[n] = true
	}
	return r
}

// NewRecorder returns a recorder for a stack deployed to a region of a partition.
func NewRecorder(project, stack, region, partition string) *Recorder {
	return &Recorder{project: project, stack: stack, region: region, partition: partition,
		outputsByID: map[string]resource.PropertyMap{}}
}

// Resources returns the recorded resources sorted by URN.
func (r *Recorder) Resources() []Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]Resource(nil), r.resources...)
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// NewResource records a registration and returns the id and state AWS would.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, computed := r.computed(args)
	state := args.Inputs.Copy()
	for k, v := range computed {
		if _, set := state[resource.PropertyKey(k)]; !set || k == "id" {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	rec := Resource{
		ID:     id,
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: plainMap(args.Inputs),
	}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Protect = rpc.GetProtect()
		rec.RetainOnDelete = rpc.GetRetainOnDelete()
		rec.DependsOn = sortedUnique(rpc.GetDependencies())
		rec.Custom = rpc.GetCustom()
		rec.IgnoreChanges = rpc.GetIgnoreChanges()
		rec.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		rec.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		for prop, deps := range rpc.GetPropertyDependencies() {
			if urns := sortedUnique(deps.GetUrns()); len(urns) > 0 {
				if rec.PropertyDependencies == nil {
					rec.PropertyDependencies = map[string][]string{}
				}
				rec.PropertyDependencies[prop] = urns
			}
		}
	}
	if rec.DependsOn == nil {
		rec.DependsOn = []string{}
	}
	if rec.IgnoreChanges == nil {
		rec.IgnoreChanges = []string{}
	}
	if rec.ReplaceOnChanges == nil {
		rec.ReplaceOnChanges = []string{}
	}
	if args.Provider != "" {
		rec.Provider = providerURN(args.Provider)
	}
	rec.URN = r.urn(rec.Parent, rec.Type, rec.Name)
	if resource.URN(rec.Parent).QualifiedType() == resource.RootStackType {
		rec.Parent = ""
	}
	// The engine marks the outputs a resource declares secret (AdditionalSecretOutputs, as the providers'
	// SDKs do for a RandomPassword's result): so does the mock, so that whatever the program builds from
	// them is a secret here as in a real deployment.
	if rpc := args.RegisterRPC; rpc != nil {
		for _, k := range rpc.GetAdditionalSecretOutputs() {
			key := resource.PropertyKey(k)
			if v, ok := state[key]; ok && !v.IsSecret() {
				state[key] = resource.MakeSecret(v)
			}
			if _, ok := computed[k]; ok {
				computed[k] = SecretPlaceholder
			}
		}
	}
	if len(computed) > 0 {
		rec.Outputs = computed
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.resources = append(r.resources, rec)
	r.outputsByID[id] = state
	return id, state, nil
}

// providerURN returns the URN part of a provider reference, which is "<urn>::<id>".
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// urn builds a resource's URN the way the mock monitor does, so recorded URNs match the engine's.
func (r *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.stack), tokens.PackageName(r.project), parentType, tokens.Type(typ), name))
}

// Call answers the provider functions the program invokes.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID,
			"arn":       fmt.Sprintf("arn:%s:sts::%s:assumed-role/sce-deployer/offline-plan", r.partition, AccountID),
			"id":        AccountID,
			"userId":    "AROA" + strings.ToUpper(hash("deployer")[:17]) + ":offline-plan",
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": r.partition, "partition": r.partition, "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws",
		}), nil
	case "aws:ssm/getParameter:getParameter":
		name := ""
		if v, ok := args.Args["name"]; ok && v.IsString() {
			name = v.StringValue()
		}
		if !strings.HasPrefix(name, "/aws/service/") {
			return nil, fmt.Errorf("offline plan: SSM parameter %q has no mock (only AWS public parameters do)", name)
		}
		value := "ami-" + hash(name, r.region)[:17]
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": name, "name": name, "type": "String", "value": value, "insecureValue": value,
			"arn": fmt.Sprintf("arn:%s:ssm:%s::parameter%s", r.partition, r.region, name), "version": 1, "withDecryption": true,
		}), nil
	case "aws:iam/getRole:getRole":
		name := ""
		if v, ok := args.Args["name"]; ok && v.IsString() {
			name = v.StringValue()
		}
		r.mu.Lock()
		missing := r.missingRoles[name]
		r.mu.Unlock()
		if missing {
			return nil, fmt.Errorf("reading IAM Role (%s): couldn't find resource (NoSuchEntity)", name)
		}
		path := "/"
		if strings.HasPrefix(name, "AWSServiceRoleFor") {
			path = "/aws-service-role/" + serviceOfLinkedRole(name) + "/"
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": name, "name": name, "path": path, "uniqueId": "AROA" + strings.ToUpper(hash("role", name)[:17]),
			"arn": fmt.Sprintf("arn:%s:iam::%s:role%s%s", r.partition, AccountID, path, name),
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": r.region, "name": r.region, "region": r.region,
			"endpoint": "ec2." + r.region + ".amazonaws.com", "description": r.region,
		}), nil
	}
	return nil, fmt.Errorf("offline plan: provider function %s has no mock; add one to internal/plan", args.Token)
}

// serviceOfLinkedRole names the service principal of the service-linked roles the program looks up.
func serviceOfLinkedRole(name string) string {
	if name == "AWSServiceRoleForAutoScaling" {
		return "autoscaling.amazonaws.com"
	}
	return strings.ToLower(strings.TrimPrefix(name, "AWSServiceRoleFor")) + ".amazonaws.com"
}

// hash returns a stable hex digest of its parts, from which ids are cut.
func hash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// outputOf returns an output of an already registered resource by id, or "".
func (r *Recorder) outputOf(id, key string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.outputsByID[id][resource.PropertyKey(key)]
	if !ok || !v.IsString() {
		return ""
	}
	return v.StringValue()
}
