package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/sce-project/sce/internal/scaffold"
)

// runInit runs `sce init <pit>`: it writes Pulumi.<pit>.yaml, validated, with a VPC block that overlaps no
// other stack file of the directory. Problems exit 1 with every one listed and nothing written; usage
// errors exit 2.
func runInit(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("init", "<pit>", "Write a new project's stack file, Pulumi.<pit>.yaml, validated, its VPC block free of every other stack "+
		"file's. With --force an existing file is updated: the keys given by flags are replaced, every other key and setting is kept, "+
		"and the old file is copied to a backup next to it.", stdout, stderr)
	var opts scaffold.Options
	var sshCIDRs, emails repeatFlag
	fs.StringVar(&opts.Region, "region", "", "AWS `REGION` of the stack (default "+scaffold.DefaultRegion+", or with --force the existing file's)")
	fs.StringVar(&opts.CIDR, "cidr", "", "VPC `BLOCK` (default: the first /16 of 10.0.0.0/8 that overlaps no other stack file, or with --force the existing file's)")
	fs.Var(&sshCIDRs, "ssh-cidr", "address `BLOCK` allowed to reach the bastion by ssh (a bare address is a /32)")
	fs.StringVar(&opts.SSHKey, "ssh-key", "", "your ssh public key, a .pub file or the key's one line, `FILE|KEY` (never a private key)")
	fs.Var(&emails, "email", "e-mail `ADDRESS` that receives the alarms")
	fs.StringVar(&opts.Dir, "dir", ".", "`DIR` of the stack files, where Pulumi.<pit>.yaml is written")
	fs.BoolVar(&opts.Force, "force", false, "update an existing Pulumi.<pit>.yaml: replace what the flags give, keep the rest, write a backup")
	positional, code, stop := fs.parseInterspersed(args)
	if stop {
		return code
	}
	switch len(positional) {
	case 0:
		return fs.usageError("the PIT is required, for example sce init cardio")
	case 1:
		opts.PIT = positional[0]
	default:
		return fs.usageError("one PIT only, got %d arguments (%s)", len(positional), strings.Join(positional, " "))
	}
	opts.SSHCIDRs, opts.Emails = sshCIDRs, emails

	res, err := scaffold.Init(opts)
	if err != nil {
		// A *scaffold.Error lists every problem, one per line; no key material is ever part of it.
		fmt.Fprintf(stderr, "sce init: %v\n", err)
		return 1
	}
	writeInitResult(stdout, res, opts.Dir)
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "sce init: warning: %s\n", w)
	}
	return 0
}

// writeInitResult prints what init wrote and what to do next.
func writeInitResult(w io.Writer, res *scaffold.Result, dir string) {
	v := res.Values
	how := "given with --cidr"
	switch {
	case v.KeptNetwork:
		how = "kept from the existing file"
	case v.Chosen:
		how = "the first free /16"
	}
	if res.Backup != "" {
		fmt.Fprintf(w, "updated %s (the previous file is kept as %s)\n", res.Path, res.Backup)
	} else {
		fmt.Fprintf(w, "wrote %s\n", res.Path)
	}
	fmt.Fprintf(w, "  network   VPC %s (%s), public subnet %s, private subnet %s, zone %s\n", v.VPC, how, v.PublicSubnet, v.PrivateSubnet, v.AvailabilityZone)
	fmt.Fprintf(w, "  schedule  working hours in %s (sce:timeZone)\n", v.TimeZone)
	if len(v.Neighbours) > 0 {
		fmt.Fprintf(w, "  overlaps none of %d other stack file(s)\n", len(v.Neighbours))
	}
	if !v.AccountBaseline && v.BaselineOwner != "" {
		fmt.Fprintf(w, "  accountBaseline false: %s already owns the account baseline in %s\n", v.BaselineOwner, v.Region)
	}
	if len(res.Replaced) > 0 {
		fmt.Fprintf(w, "  replaced  %s\n", strings.Join(res.Replaced, ", "))
	}
	if len(res.Kept) > 0 {
		fmt.Fprintf(w, "  kept      %s\n", strings.Join(res.Kept, ", "))
	}
	fmt.Fprintf(w, "next: add the researchers' logins (sce:researchers) and check the ATTENTION keys, then\n")
	if filepath.Clean(dir) == "." {
		fmt.Fprintf(w, "  go run ./cmd/sce plan --stack %s\n", v.PIT)
	} else {
		fmt.Fprintf(w, "  go run ./cmd/sce plan --stack %s --config %s\n", v.PIT, res.Path)
	}
}
