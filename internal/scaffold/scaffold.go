// Package scaffold writes the stack file of a new project, Pulumi.<pit>.yaml: the values the builder gives,
// sensible defaults for the rest, and a VPC block that overlaps no other stack file in the directory. The
// file is validated with internal/config before it is written, so what `sce init` writes is a stack that
// `sce plan` accepts; on any problem nothing is written and every problem is reported at once.
package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sce-project/sce/internal/config"
	"github.com/sce-project/sce/internal/plan"
)

// DefaultRegion is the region of a new stack when none is given: the region of the reference stacks.
const DefaultRegion = "us-west-2"

// Options are the inputs of `sce init`. An empty field was not given: with Force and an existing file, what
// was not given is kept from that file.
type Options struct {
	// PIT is the Project Identifier Tag, also the stack name. Required.
	PIT string
	// Region is aws:region. Default: the existing file's with Force, else DefaultRegion.
	Region string
	// CIDR is the VPC block. Default: the existing file's with Force, else the first /16 of 10.0.0.0/8 free
	// of every other stack file's VPC.
	CIDR string
	// SSHCIDRs may reach the bastion; a bare IPv4 address means a /32. Required by validation.
	SSHCIDRs []string
	// SSHKey is the builder's public key, or the name of a file holding it. Required by validation.
	SSHKey string
	// Emails receive the alarms. Default: none.
	Emails []string
	// Dir is where the stack file is written and the other stack files are read. Default: ".".
	Dir string
	// Force updates an existing stack file of the same name: the keys the options give are set, everything
	// else in the file is kept, and the old file is first copied to a backup next to it.
	Force bool
	// Now is the time the backup is named after; default time.Now.
	Now func() time.Time
}

// Result is what Init wrote.
type Result struct {
	// Path is the stack file written.
	Path string
	// Values are the values it holds.
	Values Values
	// Content is the file's text.
	Content string
	// Backup is the copy of the file that was replaced, "" when there was none.
	Backup string
	// Kept are the settings and keys of the replaced file left as they were; Replaced are its keys that
	// init set (changed or added).
	Kept, Replaced []string
	// Warnings are what the builder should know that does not stop the file from being written: no
	// e-mail for the alarms, an ssh block that can never match.
	Warnings []string
}

// FileName is the stack file of a PIT.
func FileName(pit string) string { return "Pulumi." + pit + ".yaml" }

// Init builds the stack file from opts, validates it and writes it. On any problem it writes nothing and
// returns an *Error listing them all.
func Init(opts Options) (*Result, error) {
	var ps []Problem
	add := func(flag, format string, args ...any) {
		ps = append(ps, Problem{Flag: flag, Message: fmt.Sprintf(format, args...)})
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	pit := strings.TrimSpace(opts.PIT)
	reported := map[string]bool{}
	pitOK := true
	if msg := pitProblem(pit); msg != "" {
		pitOK, reported["PIT"] = false, true
		if pit == "" {
			add("PIT", "%s", msg)
		} else {
			add("PIT", "%q %s", pit, msg)
		}
	}

	// The file name is built from the PIT only once the PIT is known to be safe in a path.
	target := ""
	var existing *existingFile
	if pitOK {
		target = filepath.Join(dir, FileName(pit))
		_, err := os.Stat(target)
		switch {
		case err == nil && !opts.Force:
			add("", "%s exists; nothing is overwritten without --force (which keeps what the flags do not set, and writes a backup)", target)
		case err == nil:
			if existing, err = readExisting(target); err != nil {
				add("", "%v", err)
			}
		case !errors.Is(err, fs.ErrNotExist):
			add("", "check %s: %v", target, err)
		}
	}
	if st, err := os.Stat(dir); err != nil {
		add("--dir", "%v", err)
	} else if !st.IsDir() {
		add("--dir", "%s is not a directory", dir)
	}

	region := strings.TrimSpace(opts.Region)
	oldRegion := ""
	if existing != nil {
		oldRegion, _ = existing.value(config.RegionKey)
	}
	if region == "" {
		region = oldRegion
	}
	if region == "" {
		region = DefaultRegion
	}

	skip := ""
	if pitOK {
		skip = FileName(pit)
	}
	stacks, err := ReadStacks(dir, skip)
	compared := err == nil
	if err != nil {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				add("", "%v", e)
			}
		} else {
			add("", "%v", err)
		}
	}

	v := Values{PIT: pit, Region: region, Neighbours: stacks}
	if existing != nil && strings.TrimSpace(opts.CIDR) == "" {
		// The network of a live stack is never chosen again: a new block would replace the VPC.
		v.KeptNetwork = true
	} else {
		v.VPC, v.Chosen = networkFor(opts.CIDR, stacks, compared, add)
		if v.VPC.IsValid() {
			if v.PublicSubnet, v.PrivateSubnet, err = Subnets(v.VPC); err != nil {
				add("--cidr", "%v", err)
				v.VPC = netip.Prefix{}
			}
		}
		if !v.VPC.IsValid() {
			reported["--cidr"] = true
		}
	}
	if zones, ok := config.Zones(region); ok {
		v.AvailabilityZone = zones[0]
	}
	v.TimeZone, _ = config.RegionTimeZone(region)

	for _, c := range opts.SSHCIDRs {
		c = strings.TrimSpace(c)
		if a, err := netip.ParseAddr(c); err == nil && a.Is4() {
			c = netip.PrefixFrom(a, 32).String()
		}
		v.SSHCIDRs = append(v.SSHCIDRs, c)
	}
	v.Emails = opts.Emails
	if strings.TrimSpace(opts.SSHKey) != "" {
		key, err := ResolveSSHKey(opts.SSHKey)
		if err != nil {
			add("--ssh-key", "%v", err)
			reported["--ssh-key"] = true
		} else {
			v.SSHPublicKey = key
		}
	}

	// Only stacks that may be deployed own the account baseline; example stacks are marked as such.
	v.AccountBaseline = true
	if owner, ok := BaselineOwner(stacks, region, false); ok {
		v.AccountBaseline, v.BaselineOwner = false, owner.File
	}

	content := Render(v)
	res := &Result{Path: target, Values: v}
	if existing != nil && len(ps) == 0 {
		content, res.Kept, res.Replaced, err = existing.update(content, ownedKeys(opts, oldRegion != "" && region != oldRegion))
		if err != nil {
			add("", "%v", err)
		}
		res.Values.BaselineOwner = ""
	}
	for _, p := range validate(content, target) {
		if !reported[p.Flag] {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return nil, &Error{Problems: ps}
	}
	cfg, err := effective(content, target)
	if err != nil {
		return nil, &Error{Problems: []Problem{{Message: err.Error()}}}
	}
	res.Values.describe(cfg)
	res.Warnings = warnings(cfg)
	if existing != nil {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		if res.Backup, err = existing.backup(now()); err != nil {
			return nil, &Error{Problems: []Problem{{Message: err.Error()}}}
		}
	}
	mode := fs.FileMode(0o644)
	if existing != nil {
		mode = existing.mode
	}
	if err := write(target, content, existing != nil, mode); err != nil {
		return nil, &Error{Problems: []Problem{{Message: err.Error()}}}
	}
	res.Content = content
	return res, nil
}

// effective reads the written file's configuration as the program will, defaults applied.
func effective(content, name string) (*config.Config, error) {
	sf, err := plan.ParseStackFile([]byte(content), name)
	if err != nil {
		return nil, fmt.Errorf("the generated file does not parse: %w", err)
	}
	cfg, err := config.Load(config.FromMap(sf.Config))
	if err != nil {
		return nil, fmt.Errorf("the generated file is not valid: %w", err)
	}
	return cfg, nil
}

// describe sets the values a report of the written file shows from its effective configuration.
func (v *Values) describe(cfg *config.Config) {
	v.Region, v.AvailabilityZone = cfg.Region, cfg.AvailabilityZone
	v.VPC, v.PublicSubnet, v.PrivateSubnet = cfg.VPCCIDR, cfg.PublicSubnetCIDR, cfg.PrivateSubnetCIDR
	v.AccountBaseline = cfg.AccountBaseline
	v.TimeZone = "none (sce:scheduleEnabled is false)"
	if cfg.Schedule != nil {
		v.TimeZone = cfg.Schedule.TimeZone
	}
}

// warnings are what the builder should hear about the written configuration although it is valid.
func warnings(cfg *config.Config) []string {
	var out []string
	if len(cfg.NotificationEmails) == 0 {
		out = append(out, "no --email: the CIS alarms, the quarantine alerts and the budget alerts will reach nobody; add sce:notificationEmails")
	}
	for _, w := range cfg.Warnings {
		out = append(out, w.String())
	}
	return out
}
