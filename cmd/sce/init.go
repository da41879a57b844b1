package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/sce-project/sce/internal/scaffold"
)

const initUsage = "usage: sce init <pit> [--region R] [--cidr C] [--ssh-cidr C ...] [--ssh-key FILE|KEY] [--email E ...] [--dir DIR] [--force]"

// repeatFlag is a flag that may be given several times; each value is kept, in order.
type repeatFlag []string

// String returns the values given so far, comma-separated.
func (l *repeatFlag) String() string { return strings.Join(*l, ",") }

// Set adds one value.
func (l *repeatFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// runInit runs `sce init <pit>`: it writes Pulumi.<pit>.yaml, validated, with a VPC block that overlaps no
// other stack file of the directory. Problems exit 1 with every one listed and nothing written; usage
// errors exit 2.
func runInit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts scaffold.Options
	var sshCIDRs, emails repeatFlag
	fs.StringVar(&opts.Region, "region", scaffold.DefaultRegion, "AWS region of the stack")
	fs.StringVar(&opts.CIDR, "cidr", "", "VPC block (default: the first /16 of 10.0.0.0/8 that overlaps no other stack file)")
	fs.Var(&sshCIDRs, "ssh-cidr", "address block allowed to reach the bastion by ssh (repeat for several; a bare address is a /32)")
	fs.StringVar(&opts.SSHKey, "ssh-key", "", "your ssh public key: a .pub file, or the key's one line (never a private key)")
	fs.Var(&emails, "email", "address that receives the alarms (repeat for several)")
	fs.StringVar(&opts.Dir, "dir", ".", "directory of the stack files, where Pulumi.<pit>.yaml is written")
	fs.BoolVar(&opts.Force, "force", false, "overwrite an existing Pulumi.<pit>.yaml")
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	switch len(positional) {
	case 0:
		fmt.Fprintf(stderr, "sce init: the PIT is required, for example sce init cardio\n%s\n", initUsage)
		return 2
	case 1:
		opts.PIT = positional[0]
	default:
		fmt.Fprintf(stderr, "sce init: one PIT only, got %d arguments (%s)\n%s\n", len(positional), strings.Join(positional, " "), initUsage)
		return 2
	}
	opts.SSHCIDRs, opts.Emails = sshCIDRs, emails

	res, err := scaffold.Init(opts)
	if err != nil {
		// A *scaffold.Error lists every problem, one per line; no key material is ever part of it.
		fmt.Fprintf(stderr, "sce init: %v\n", err)
		return 1
	}
	v := res.Values
	how := "given with --cidr"
	if v.Chosen {
		how = "the first free /16"
	}
	fmt.Fprintf(stdout, "wrote %s\n", res.Path)
	fmt.Fprintf(stdout, "  network   VPC %s (%s), public subnet %s, private subnet %s, zone %s\n", v.VPC, how, v.PublicSubnet, v.PrivateSubnet, v.AvailabilityZone)
	if len(v.Neighbours) > 0 {
		fmt.Fprintf(stdout, "  overlaps none of %d other stack file(s)\n", len(v.Neighbours))
	}
	if !v.AccountBaseline {
		fmt.Fprintf(stdout, "  accountBaseline false: %s already owns the account baseline in %s\n", v.BaselineOwner, v.Region)
	}
	if len(opts.Emails) == 0 {
		fmt.Fprintln(stderr, "sce init: warning: no --email: the CIS alarms, the quarantine alerts and the budget alerts will reach nobody; add sce:notificationEmails")
	}
	fmt.Fprintf(stdout, "next: add the researchers' logins (sce:researchers) and check the ATTENTION keys, then\n")
	if filepath.Clean(opts.Dir) == "." {
		fmt.Fprintf(stdout, "  go run ./cmd/sce plan --stack %s\n", v.PIT)
	} else {
		fmt.Fprintf(stdout, "  go run ./cmd/sce plan --stack %s --config %s\n", v.PIT, res.Path)
	}
	return 0
}
