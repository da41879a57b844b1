package stack

import (
	"fmt"

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

// loadConfig describes the OMOP load for a data-in bucket name.
func loadConfig(cfg *config.Config, bucket string) omop.LoadConfig {
	lc := omop.LoadConfig{
		CDMSchema: cfg.OMOP.Schema, ResultsSchema: cfg.OMOP.ResultsSchema,
		ReadOnlyUser: ReadOnlyDBUser, RoleARN: omop.RoleARNPlaceholder,
		VocabularyPrefix: fmt.Sprintf("s3://%s/%s", bucket, cfg.OMOP.VocabularyPrefix),
	}
	if cfg.OMOP.DataPrefix != "" {
		lc.CDMPrefix = fmt.Sprintf("s3://%s/%s", bucket, cfg.OMOP.DataPrefix)
		lc.CDMTables = clinicalTables
	}
	return lc
}

// omopStatements plans the OMOP statements. Names and order depend on configuration only; the SQL is
// planned again at deployment with the real bucket name, then bound to the role ARN and the password.
func omopStatements(cfg *config.Config) ([]components.SQLStatement, error) {
	planned, err := omop.Plan(loadConfig(cfg, cfg.PIT+"-data-in-00000000"))
	if err != nil {
		return nil, fmt.Errorf("plan the OMOP database: %w", err)
	}
	out := make([]components.SQLStatement, len(planned))
	for i, st := range planned {
		name := st.Name
		out[i] = components.SQLStatement{Name: name, DependsOn: st.DependsOn, Secret: st.Secret,
			Bind: func(v components.BindValues) (string, error) {
				final, err := omop.Plan(loadConfig(cfg, v.CopyBucket))
				if err != nil {
					return "", fmt.Errorf("plan the OMOP database for bucket %s: %w", v.CopyBucket, err)
				}
				for _, s := range final {
					if s.Name == name {
						return s.Bind(omop.Bindings{RoleARN: v.CopyRoleARN, Password: v.ReadOnlyPassword})
					}
				}
				return "", fmt.Errorf("statement %s is not in the deployment plan", name)
			}}
	}
	return out, nil
}

// buildData creates the Redshift cluster with the OMOP CDM and the Atlas host, when omopEnabled.
func buildData(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*Data, error) {
	if !cfg.OMOP.Enabled {
		return nil, nil
	}
	statements, err := omopStatements(cfg)
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
		Statements: statements, ReadOnlyUser: ReadOnlyDBUser,
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
