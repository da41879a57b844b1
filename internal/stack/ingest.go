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

// ledgerCode builds the handler for provided.al2023 on arm64 and returns its code archive. Under the mock
// monitor (the offline plan, the tests) nothing is deployed, so nothing is compiled: the archive names the
// directory `pulumi up` builds into.
func ledgerCode(ctx *pulumi.Context) (pulumi.Archive, error) {
	out := filepath.Join(os.TempDir(), "sce-lambda", ctx.Stack(), "ledger")
	if ctx.RunningWithMocks() {
		return pulumi.NewFileArchive(out), nil
	}
	root, err := projectRoot(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := lambdabuild.Build(ctx.Context(), root, ledgerPackage, out)
	if err != nil {
		return nil, err
	}
	return pulumi.NewFileArchive(dir), nil
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

// buildIngest creates the upload ledger on the data-in bucket.
func buildIngest(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.UploadLedger, error) {
	code, err := ledgerCode(ctx)
	if err != nil {
		return nil, err
	}
	return components.NewUploadLedger(ctx, cfg.PIT+"-ledger", &components.UploadLedgerArgs{
		PIT: cfg.PIT, ARNs: arns, Bucket: s.Buckets.DataIn,
		KMSKeyARN: s.Key.ARN, TopicARN: s.Audit.Trail.Topic.Arn, Code: code,
		PHINames: cfg.PHINames, QuarantinePrefix: components.DefaultQuarantinePrefix,
		LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect,
	}, opts...)
}
