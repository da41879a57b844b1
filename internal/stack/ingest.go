package stack

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/lambdabuild"
)

// ledgerPackage is the upload ledger handler, built from this module.
const ledgerPackage = "./lambda/ledger"

// lambdaCode builds a handler of this module for provided.al2023 on arm64 and returns its code archive:
// the zip file lambdabuild.Package writes, whose bootstrap entry has mode 0755. It is never a directory
// archive: Pulumi zips a directory without file modes (pulumi/pulumi#3593), and Lambda cannot run a
// bootstrap that is not executable. Under the mock monitor (the offline plan, the tests) nothing is
// deployed, so nothing is compiled: the archive names the zip file `pulumi up` builds.
func lambdaCode(ctx *pulumi.Context, pkg, zipName string) (pulumi.Archive, error) {
	zipPath := filepath.Join(os.TempDir(), "sce-lambda", ctx.Stack(), zipName)
	if ctx.RunningWithMocks() {
		return pulumi.NewFileArchive(zipPath), nil
	}
	root, err := projectRoot(ctx)
	if err != nil {
		return nil, err
	}
	if err := lambdabuild.Package(ctx.Context(), root, pkg, zipPath); err != nil {
		return nil, err
	}
	return pulumi.NewFileArchive(zipPath), nil
}

// projectRoot is the directory of Pulumi.yaml, where the module's packages are built from: Pulumi's root
// directory, or the working directory when the engine does not say.
func projectRoot(ctx *pulumi.Context) (string, error) {
	if root := ctx.RootDirectory(); root != "" {
		return root, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the project directory: %w", err)
	}
	return wd, nil
}

// buildIngest creates the malware scan of the data-in bucket and the upload ledger on it.
func buildIngest(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.UploadLedger, error) {
	var err error
	s.Scan, err = components.NewMalwareScan(ctx, cfg.PIT+"-malware-scan", &components.MalwareScanArgs{
		PIT: cfg.PIT, ARNs: arns, Bucket: s.Buckets.DataIn, KMSKeyARN: s.Key.ARN,
	}, opts...)
	if err != nil {
		return nil, err
	}
	code, err := lambdaCode(ctx, ledgerPackage, "ledger.zip")
	if err != nil {
		return nil, err
	}
	// The OMOP load's files are Redshift's to read, not the workers': recorded, never queued.
	var recordOnly []string
	if cfg.OMOP.Enabled {
		recordOnly = append(recordOnly, cfg.OMOP.VocabularyPrefix)
		if cfg.OMOP.DataPrefix != "" {
			recordOnly = append(recordOnly, cfg.OMOP.DataPrefix)
		}
	}
	return components.NewUploadLedger(ctx, cfg.PIT+"-ledger", &components.UploadLedgerArgs{
		PIT: cfg.PIT, ARNs: arns, Bucket: s.Buckets.DataIn,
		KMSKeyARN: s.Key.ARN, TopicARN: s.Audit.Trail.Topic.Arn, Code: code,
		PHINames: cfg.PHINames, QuarantinePrefix: components.DefaultQuarantinePrefix,
		ReservedConcurrency: cfg.LedgerReservedConcurrency, RecordOnlyPrefixes: recordOnly, MalwareScan: true,
		LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect,
	}, opts...)
}
