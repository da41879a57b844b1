package verify

import (
	"fmt"
	"strings"

	"github.com/sce-project/sce/policy/engine"
	"github.com/sce-project/sce/policy/model/iameval"
)

// assumedAllowAll stands for a principal whose own policies allow everything it could ask for here (S3,
// KMS, STS, Redshift): what is judged is then what the resource's policy (bucket, trust) decides alone.
var assumedAllowAll = iameval.MustParse(`{"Statement":[{"Effect":"Allow","Action":["s3:*","kms:*","sts:*","redshift:*"],"Resource":"*"}]}`)

// instanceID stands for the workstation's instance in its role session's ARN.
const instanceID = "i-0123456789abcdef0"

// identity is the researcher role as the plan holds it.
type identity struct {
	role, name string
	policies   []*iameval.Document
	trust      *iameval.Document
	logins     []string
}

// researcherRole finds the researcher role, its policies, its trust policy and the logins the trust
// admits as source identities.
func (m *model) researcherRole() (identity, bool) {
	for _, r := range m.s.OfType("aws:iam/role:Role") {
		if !strings.HasSuffix(r.Name, "-researcher-role") {
			continue
		}
		id := identity{role: str(r.Outputs["arn"]), name: str(r.Props["name"])}
		id.policies, _ = m.attached(r)
		id.trust = m.parse(r, "assumeRolePolicy")
		if id.trust != nil {
			for _, st := range id.trust.Statements {
				id.logins = append(id.logins, st.Conditions["StringEquals"]["sts:SourceIdentity"]...)
			}
		}
		return id, true
	}
	return identity{}, false
}

// researchers proves per-person identity on the workstation (docs/attribution.md):
//
//   - the instance role reads and writes no PHI object, even were its own policies to allow it (the PHI
//     buckets refuse it by aws:PrincipalArn), and may fetch only the credential broker from the ancillary
//     bucket;
//   - each configured login's session of the researcher role (aws:SourceIdentity set to the login) reads
//     data-in and writes output, through S3 with the project key, and is refused what the workstation was;
//   - the instance role may assume the researcher role only naming a configured login as source identity
//     (sts:AssumeRole and sts:SetSourceIdentity, both authorised on such a request: IAM User Guide,
//     "Monitor and control actions taken with assumed roles", "Permissions required to set source
//     identity"); no other principal may;
//   - on an OMOP stack, each session signs in to Redshift (GetClusterCredentials) as its own database user
//     only ("Step 3: Create an IAM role with permissions to call GetClusterCredentials", Redshift
//     Management Guide, generating-iam-credentials-role-permissions.html).
func (sv *services) researchers() []Flow {
	var out []Flow
	dataIn, output, ancillary := sv.bucketARN["data-in"], sv.bucketARN["output"], sv.bucketARN["ancillary"]
	instance, ok := sv.caller("the workstation's instance role", "-workstation-role", true)
	if !ok || dataIn == "" || output == "" {
		return nil
	}
	instance.session = sessionOf(instance.arn, instanceID)
	object := func(bucket, key string) string { return bucket + "/" + key }
	sse := map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-server-side-encryption-aws-kms-key-id": {sv.key}}
	multipart := func(o string) []s3Call {
		return []s3Call{{"s3:PutObject", o, sse}, {"s3:PutObject", o, nil}, {"s3:PutObject", o, nil}}
	}
	read := []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"), nil}}
	write := []s3Call{{"s3:PutObject", object(output, "results/table1.csv"), nil}}

	unbounded := instance
	unbounded.name, unbounded.identity, unbounded.stackRole = "the workstation's instance role, were its own policies to allow all of S3,", []*iameval.Document{assumedAllowAll}, false
	out = append(out,
		sv.flow(instance, "reads a data-in object", Denied, "data-in", read),
		sv.flow(instance, "writes a result into output", Denied, "output", write),
		sv.flow(unbounded, "reads a data-in object", Denied, "data-in", read),
		sv.flow(unbounded, "writes a result into output", Denied, "output", write),
	)
	if ancillary != "" {
		out = append(out,
			sv.flow(instance, "fetches the credential broker from the ancillary bucket", Allowed, "ancillary",
				[]s3Call{{"s3:GetObject", object(ancillary, "software/sce-broker/x86_64/sce-broker"), nil}}),
			sv.flow(unbounded, "reads another object of the ancillary bucket", Denied, "ancillary",
				[]s3Call{{"s3:GetObject", object(ancillary, "pipelines/run"), nil}}),
		)
	}
	via := func(bucket string) map[string][]string {
		return map[string][]string{"kms:ViaService": {"s3." + sv.region + ".amazonaws.com"}, "kms:CallerAccount": {sv.account},
			"kms:EncryptionContext:aws:s3:arn": {bucket}}
	}
	kms := func(c caller, action string, ctx map[string][]string) call {
		return call{principal: c.session, action: action, resource: sv.key, identity: c.identity, needsIdentity: true,
			ctx: merge(ctx, c.ctx, map[string][]string{"aws:PrincipalArn": {c.arn}})}
	}
	out = append(out, sv.judge("the workstation's instance role has S3 decrypt a data-in object's data key with the project key", Denied,
		kms(instance, "kms:Decrypt", via(dataIn))))
	if ancillary != "" {
		out = append(out, sv.judge("the workstation's instance role has S3 decrypt the credential broker's data key in the ancillary bucket", Allowed,
			kms(instance, "kms:Decrypt", via(ancillary))))
	}

	id, ok := sv.researcherRole()
	if !ok {
		return out
	}
	for i, login := range id.logins {
		r := caller{name: fmt.Sprintf("researcher %s's session", login), arn: id.role, identity: id.policies, inVPC: true, stackRole: true,
			session: sessionOf(id.role, login), ctx: map[string][]string{"aws:SourceIdentity": {login}}}
		out = append(out,
			sv.flow(r, "reads a data-in object", Allowed, "data-in", read),
			sv.flow(r, "writes a result into output with a single PUT relying on the bucket's encryption", Allowed, "output", write),
			sv.flow(r, "writes a result into output in parts (CreateMultipartUpload with the SSE headers, UploadPart and CompleteMultipartUpload without)", Allowed, "output",
				multipart(object(output, "results/model.parquet"))),
			sv.judge(r.name+" has S3 use the project key for data-in and output (kms:Decrypt, kms:GenerateDataKey through S3)", Allowed,
				kms(r, "kms:Decrypt", via(dataIn)), kms(r, "kms:GenerateDataKey", via(output)), kms(r, "kms:Decrypt", via(output))),
		)
		if i == 0 {
			out = append(out, sv.refusedToResearchers(r, dataIn, output)...)
		}
	}
	out = append(out, sv.assumeFlows(id, instance)...)
	return append(out, sv.redshiftSignIn(id, instance)...)
}

// refusedToResearchers are the requests a researcher's session must not be able to make.
func (sv *services) refusedToResearchers(r caller, dataIn, output string) []Flow {
	object := func(bucket, key string) string { return bucket + "/" + key }
	return []Flow{
		sv.flow(r, "writes into data-in", Denied, "data-in", []s3Call{{"s3:PutObject", object(dataIn, "cohort/forged.csv"), nil}}),
		sv.flow(r, "reads the quarantine", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "quarantine/3f2a"), nil}}),
		sv.flow(r, "reads data-in without TLS", Denied, "data-in", []s3Call{{"s3:GetObject", object(dataIn, "cohort/visits.csv"),
			map[string][]string{"aws:SecureTransport": {"false"}}}}),
		sv.flow(r, "writes into output asking for SSE-S3", Denied, "output", []s3Call{{"s3:PutObject", object(output, "results/t.csv"),
			map[string][]string{"s3:x-amz-server-side-encryption": {"AES256"}}}}),
		sv.flow(r, "writes into output asking for another KMS key", Denied, "output", []s3Call{{"s3:PutObject", object(output, "results/t.csv"),
			map[string][]string{"s3:x-amz-server-side-encryption": {"aws:kms"},
				"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:us-east-1:" + sv.account + ":key/ffffffff-ffff-ffff-ffff-ffffffffffff"}}}}),
	}
}

// assumeFlows: who may assume the researcher role, naming which source identity.
func (sv *services) assumeFlows(id identity, instance caller) []Flow {
	assume := func(c caller, source string) []call {
		ctx := merge(c.ctx, map[string][]string{"aws:PrincipalArn": {c.arn}, "aws:SecureTransport": {"true"}})
		actions := []string{"sts:AssumeRole"}
		if source != "" {
			ctx = with(ctx, "sts:SourceIdentity", source)
			actions = append(actions, "sts:SetSourceIdentity")
		}
		var calls []call
		for _, a := range actions {
			calls = append(calls, call{principal: c.session, action: a, resource: id.role, ctx: ctx, identity: c.identity,
				needsIdentity: c.stackRole, policy: id.trust, needsPolicy: true})
		}
		return calls
	}
	var out []Flow
	for _, login := range id.logins {
		out = append(out, sv.judge(fmt.Sprintf("the workstation's instance role assumes the researcher role for %s (source identity %s)", login, login), Allowed,
			assume(instance, login)...))
	}
	first := "alice"
	if len(id.logins) > 0 {
		first = id.logins[0]
	}
	stranger := caller{arn: fmt.Sprintf("arn:aws:iam::%s:role/not-the-workstation", sv.account), identity: []*iameval.Document{assumedAllowAll}}
	stranger.session = sessionOf(stranger.arn, first)
	out = append(out,
		sv.judge("the workstation's instance role assumes the researcher role naming a source identity that is no configured login", Denied, assume(instance, "not-a-researcher")...),
		sv.judge("the workstation's instance role assumes the researcher role without a source identity", Denied, assume(instance, "")...),
		sv.judge(fmt.Sprintf("another role of the account, whose own policies allow sts:*, assumes the researcher role for %s", first), Denied, assume(stranger, first)...),
	)
	if b, ok := sv.caller("bastion", "-bastion-role", false); ok {
		b.session = sessionOf(b.arn, instanceID)
		out = append(out, sv.judge(fmt.Sprintf("the bastion's role assumes the researcher role for %s", first), Denied, assume(b, first)...))
	}
	return out
}

// redshiftSignIn: each researcher's session gets database credentials for its own user only, never with
// AutoCreate or extra groups; nobody else gets a researcher's.
func (sv *services) redshiftSignIn(id identity, instance caller) []Flow {
	cluster := ""
	for _, c := range sv.s.OfType("aws:redshift/cluster:Cluster") {
		cluster = str(c.Props["clusterIdentifier"])
	}
	if cluster == "" || len(id.logins) == 0 {
		return nil
	}
	dbUser := func(user string) string {
		return fmt.Sprintf("arn:aws:redshift:%s:%s:dbuser:%s/%s", sv.region, sv.account, cluster, user)
	}
	signIn := func(c caller, user string, action string) call {
		return call{principal: c.session, action: action, resource: dbUser(user), identity: c.identity, needsIdentity: true,
			ctx: merge(c.ctx, map[string][]string{"aws:PrincipalArn": {c.arn}, "redshift:DbUser": {user}, "aws:SecureTransport": {"true"}})}
	}
	var out []Flow
	for _, login := range id.logins {
		r := caller{arn: id.role, identity: id.policies, session: sessionOf(id.role, login), ctx: map[string][]string{"aws:SourceIdentity": {login}}}
		out = append(out, sv.judge(fmt.Sprintf("researcher %s's session gets Redshift credentials for database user %s", login, login), Allowed,
			signIn(r, login, "redshift:GetClusterCredentials")))
	}
	first := id.logins[0]
	r := caller{arn: id.role, identity: id.policies, session: sessionOf(id.role, first), ctx: map[string][]string{"aws:SourceIdentity": {first}}}
	other := "ohdsi_reader"
	if len(id.logins) > 1 {
		other = id.logins[1]
	}
	out = append(out,
		sv.judge(fmt.Sprintf("researcher %s's session gets Redshift credentials for database user %s", first, other), Denied, signIn(r, other, "redshift:GetClusterCredentials")),
		sv.judge(fmt.Sprintf("researcher %s's session gets Redshift credentials for the administrator", first), Denied, signIn(r, "sce_admin", "redshift:GetClusterCredentials")),
		sv.judge(fmt.Sprintf("researcher %s's session creates a database user on sign-in (AutoCreate: redshift:CreateClusterUser)", first), Denied, signIn(r, first, "redshift:CreateClusterUser")),
		sv.judge(fmt.Sprintf("researcher %s's session joins database groups on sign-in (redshift:JoinGroup)", first), Denied,
			call{principal: r.session, action: "redshift:JoinGroup", resource: fmt.Sprintf("arn:aws:redshift:%s:%s:dbgroup:%s/admins", sv.region, sv.account, cluster),
				identity: r.identity, needsIdentity: true, ctx: merge(r.ctx, map[string][]string{"aws:PrincipalArn": {r.arn}})}),
		sv.judge(fmt.Sprintf("the workstation's instance role gets Redshift credentials for database user %s", first), Denied, signIn(instance, first, "redshift:GetClusterCredentials")),
	)
	return out
}

// merge returns the union of context maps, later ones winning.
func merge(maps ...map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Researchers returns the per-person identity flows of the stack (services' researchers).
func Researchers(s *engine.Stack) []Flow {
	m := newModel(s)
	sv := &services{model: m}
	for _, k := range s.OfType("aws:kms/key:Key") {
		sv.keyPolicy = m.parse(k, "policy")
	}
	if parts := strings.Split(m.key, ":"); len(parts) > 4 {
		sv.region = parts[3]
	}
	return sv.researchers()
}
