package stack

import (
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/sce-project/sce/components"
	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/lambdabuild"
)

// workerPackage is the worker pool's executable, built from this module.
const workerPackage = "./cmd/worker"

// GoArch is the Go architecture of an instance type: arm64 for Graviton families, amd64 otherwise.
func GoArch(instanceType string) string {
	if config.Graviton(instanceType) {
		return "arm64"
	}
	return "amd64"
}

// workerBinary builds the worker for the instance type's architecture and returns it as an asset. Under
// the mock monitor nothing is compiled: the asset names the file `pulumi up` builds.
func workerBinary(ctx *pulumi.Context, instanceType string) (pulumi.Asset, error) {
	out := filepath.Join(os.TempDir(), "sce-worker", ctx.Stack(), GoArch(instanceType), "sce-worker")
	if ctx.RunningWithMocks() {
		return pulumi.NewFileAsset(out), nil
	}
	root, err := projectRoot(ctx)
	if err != nil {
		return nil, err
	}
	if err := lambdabuild.BuildExecutable(ctx.Context(), root, workerPackage, out, GoArch(instanceType)); err != nil {
		return nil, err
	}
	return pulumi.NewFileAsset(out), nil
}

// buildWorkers creates the worker pool on the upload ledger's queue when workersEnabled is set: every
// object the ledger accepts is processed once by a worker.
func buildWorkers(ctx *pulumi.Context, cfg *config.Config, arns components.ARNs, s *Stack, opts ...pulumi.ResourceOption) (*components.WorkerPool, error) {
	w := cfg.Workers
	if !w.Enabled {
		return nil, nil
	}
	ami, err := lookupAMI(ctx, s.Provider, w.InstanceType)
	if err != nil {
		return nil, err
	}
	binary, err := workerBinary(ctx, w.InstanceType)
	if err != nil {
		return nil, err
	}
	return components.NewWorkerPool(ctx, cfg.PIT+"-workers", &components.WorkerPoolArgs{
		PIT: cfg.PIT, ARNs: arns, VPCID: s.Network.VPC.ID(), SubnetID: s.Network.PrivateSubnet.ID(),
		InstanceType: w.InstanceType, AMI: ami, MaxWorkers: w.MaxWorkers, ScratchGiB: w.ScratchGB,
		Pipeline:        components.WorkerPipeline{Name: w.PipelineObject, SHA256: w.PipelineSHA256},
		PipelineCommand: w.PipelineCommand, IdleMinutes: w.IdleMinutes, KMSKeyARN: s.Key.ARN,
		QueueName: s.Ledger.Queue.Name, QueueURL: s.Ledger.Queue.Url, QueueARN: s.Ledger.Queue.Arn,
		Input: s.Buckets.DataIn, Output: s.Buckets.Output, Software: s.Buckets.Ancillary, Binary: binary,
		TopicARN: s.Audit.Trail.Topic.Arn, LogRetentionDays: cfg.AuditLogRetentionDays, Protect: cfg.Protect,
		Egress: s.Network.PrivateEgress(),
	}, opts...)
}
