// Package export writes an offline plan in formats other tools read: Terraform HCL for the IaC scanners an
// organisation already runs (Trivy, Checkov, KICS), and a Graphviz graph of the architecture. Both are
// derived from the plan alone (resource types, inputs and the references between resources), never
// written by hand per stack.
package export
