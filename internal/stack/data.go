package stack

import (
	"fmt"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/omop"
)

// ReadOnlyDBUser is the database user of the analysis tools (WebAPI, Achilles).
const ReadOnlyDBUser = "ohdsi_reader"

// clinicalTables are loaded, in this order, from omopDataPrefix when it is set: the tables of the OHDSI
// sample data sets (SynPUF, Synthea in OMOP form).
var clinicalTables = []string{
	"location", "care_site", "provider", "person", "observation_period", "visit_occurrence", "visit_detail",
	"condition_occurrence", "drug_exposure", "procedure_occurrence", "device_exposure", "measurement",
	"observation", "death", "note", "specimen", "payer_plan_period", "cost", "drug_era", "dose_era", "condition_era",
}

// Data is proof of concept B: Redshift with the OMOP CDM, and Atlas.
type Data struct {
	Redshift *components.RedshiftOMOP
	Atlas    *components.AtlasHost
}

// loadConfig describes the OMOP database for a data-in bucket name, its DDL generated from tables (nil:
// the embedded column list).
func loadConfig(cfg *config.Config, bucket string, tables []omop.Table) omop.LoadConfig {
	lc := omop.LoadConfig{
		CDMSchema: cfg.OMOP.Schema, ResultsSchema: cfg.OMOP.ResultsSchema,
		ReadOnlyUser: ReadOnlyDBUser, RoleARN: omop.RoleARNPlaceholder, Researchers: logins(cfg),
		Load:              cfg.OMOP.LoadEnabled,
		VocabularyPrefix:  fmt.Sprintf("s3://%s/%s", bucket, cfg.OMOP.VocabularyPrefix),
		VocabularyOptions: omop.CopyOptions{Skip: absentVocabulary(cfg.OMOP.VocabularyTables)},
		Tables:            tables,
	}
	if cfg.OMOP.DataPrefix != "" {
		lc.CDMPrefix = fmt.Sprintf("s3://%s/%s", bucket, cfg.OMOP.DataPrefix)
		lc.CDMTables = clinicalTables
	}
	return lc
}

// absentVocabulary lists the vocabulary tables whose files are not uploaded: those a COPY must skip,
// since COPY fails on a missing file (source_to_concept_map, which Athena's download does not hold).
func absentVocabulary(present []string) []string {
	var out []string
	for _, t := range omop.VocabularyTables {
		if !slices.Contains(present, t) {
			out = append(out, t)
		}
	}
	return out
}

// placeholderBucket stands for the data-in bucket's name while the plan's names and order are computed.
func placeholderBucket(cfg *config.Config) string { return cfg.PIT + "-data-in-00000000" }

// bucketPlans plans the OMOP database once per bucket name: every statement's Bind and Fingerprint needs
// the plan for the real bucket, which exists only in an apply.
type bucketPlans struct {
	cfg    *config.Config
	tables []omop.Table
	mu     sync.Mutex
	plans  map[string][]omop.Statement
}

// plan returns the plan for bucket.
func (b *bucketPlans) plan(bucket string) ([]omop.Statement, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.plans[bucket]; ok {
		return p, nil
	}
	p, err := omop.Plan(loadConfig(b.cfg, bucket, b.tables))
	if err != nil {
		return nil, fmt.Errorf("plan the OMOP database for bucket %s: %w", bucket, err)
	}
	b.plans[bucket] = p
	return p, nil
}

// statement returns the statement named name of the plan for bucket.
func (b *bucketPlans) statement(bucket, name string) ([]omop.Statement, omop.Statement, error) {
	p, err := b.plan(bucket)
	if err != nil {
		return nil, omop.Statement{}, err
	}
	for _, s := range p {
		if s.Name == name {
			return p, s, nil
		}
	}
	return nil, omop.Statement{}, fmt.Errorf("statement %s is not in the deployment plan", name)
}

// omopStatements plans the OMOP statements. Names and order depend on configuration only; the SQL and the
// fingerprints are planned again at deployment with the real bucket name, then bound to the role ARN
// (and, for the password statement only, to the password or its secret's version).
func omopStatements(cfg *config.Config, tables []omop.Table) ([]components.SQLStatement, error) {
	plans := &bucketPlans{cfg: cfg, tables: tables, plans: map[string][]omop.Statement{}}
	planned, err := plans.plan(placeholderBucket(cfg))
	if err != nil {
		return nil, fmt.Errorf("plan the OMOP database: %w", err)
	}
	out := make([]components.SQLStatement, len(planned))
	for i, st := range planned {
		name := st.Name
		out[i] = components.SQLStatement{Name: name, DependsOn: st.DependsOn, Secret: st.Secret, UsesCopyRole: st.UsesCopyRole,
			Bind: func(v components.BindValues) (string, error) {
				_, s, err := plans.statement(v.CopyBucket, name)
				if err != nil {
					return "", err
				}
				return s.Bind(omop.Bindings{RoleARN: v.CopyRoleARN, Password: v.ReadOnlyPassword})
			},
			Fingerprint: func(v components.BindValues) (string, error) {
				p, _, err := plans.statement(v.CopyBucket, name)
				if err != nil {
					return "", err
				}
				return omop.Fingerprint(p, name, omop.Bindings{RoleARN: v.CopyRoleARN, PasswordVersion: v.PasswordVersion})
			}}
	}
	return out, nil
}

// buildData creates the Redshift cluster with the OMOP CDM and the Atlas host, when omopEnabled.
func buildData(ctx *pulumi.Context, cfg *config.Config, dep Deployment, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*Data, error) {
	if !cfg.OMOP.Enabled {
		return nil, nil
	}
	statements, err := omopStatements(cfg, dep.OMOPTables)
	if err != nil {
		return nil, err
	}
	prefixes := []string{cfg.OMOP.VocabularyPrefix}
	if cfg.OMOP.DataPrefix != "" {
		prefixes = append(prefixes, cfg.OMOP.DataPrefix)
	}
	d := &Data{}
	d.Redshift, err = components.NewRedshiftOMOP(ctx, cfg.PIT+"-omop", &components.RedshiftOMOPArgs{
		PIT: cfg.PIT, ARNs: arns,
		VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PrivateSubnet.ID(), S3PrefixListID: s.Network.S3Endpoint.PrefixListId,
		ClientSecurityGroupIDs: []pulumi.StringInput{s.Compute.Workstation.SecurityGroup.ID()},
		NodeType:               cfg.OMOP.NodeType, NodeCount: cfg.OMOP.NodeCount, SnapshotRetentionDays: cfg.OMOP.SnapshotRetentionDays,
		KMSKeyARN: s.Key.ARN, CopyBucketARN: s.Buckets.DataIn.ARN, CopyPrefixes: prefixes,
		Statements: statements, ReadOnlyUser: ReadOnlyDBUser, SignInRole: signInRole(s),
		LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect,
	}, opts...)
	if err != nil {
		return nil, err
	}
	atlasAMI, err := lookupAMI(ctx, s.Provider, cfg.OMOP.AtlasInstanceType)
	if err != nil {
		return nil, err
	}
	d.Atlas, err = components.NewAtlasHost(ctx, cfg.PIT+"-atlas", &components.AtlasHostArgs{
		PIT: cfg.PIT, ARNs: arns,
		VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PrivateSubnet.ID(),
		BastionSecurityGroupID:  s.Compute.Bastion.SecurityGroup.ID(),
		RedshiftSecurityGroupID: d.Redshift.SecurityGroup.ID(),
		InstanceType:            cfg.OMOP.AtlasInstanceType, AMI: atlasAMI, KeyName: s.Compute.Bastion.KeyPair.KeyName,
		KMSKeyARN: s.Key.ARN, RedshiftEndpoint: d.Redshift.Endpoint, Database: "omop",
		CDMSchema: cfg.OMOP.Schema, ResultsSchema: cfg.OMOP.ResultsSchema, ReadOnlySecretARN: d.Redshift.ReadOnlySecretARN,
		ReadOnlySecretValue: d.Redshift.ReadOnlySecretValue,
		Researchers:         researchers(cfg), LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect,
		Arch: config.Arch(cfg.OMOP.AtlasInstanceType), Compose: pinned(cfg.Software.Compose, cfg.OMOP.AtlasInstanceType),
		Images: components.AtlasImages{WebAPI: cfg.Software.WebAPIImage, Atlas: cfg.Software.AtlasImage, Postgres: cfg.Software.PostgresImage},
		Egress: s.Network.PrivateEgress(),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// logins are the researchers' logins, which are their database users too.
func logins(cfg *config.Config) []string {
	out := make([]string, len(cfg.Researchers))
	for i, r := range cfg.Researchers {
		out[i] = r.Login
	}
	return out
}

// signInRole is the researcher role's name, whose sessions sign in to Redshift; nil without researchers.
func signInRole(s *Stack) pulumi.StringInput {
	if s.Compute.Workstation.ResearcherRole == nil {
		return nil
	}
	return s.Compute.Workstation.ResearcherRole.Name
}
