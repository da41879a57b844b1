package usage

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/audit"
	"github.com/sce-project/sce/internal/phi"
)

// DataVolumeKey is the key of the workstation's audit rule on the data volume (-w <mount> -p rwa -k
// phi-access, components/userdata/common.tmpl): the host log events the report reads.
const DataVolumeKey = "phi-access"

// Options choose what the report covers.
type Options struct {
	Window audit.Window
	// Researchers and Datasets filter the report: only these people, only these datasets (a dataset, or
	// a source such as "data-in" or "redshift"). Empty: all.
	Researchers []string
	Datasets    []string
	// Known are the researchers the report must name, with zeros when the logs show nothing of them
	// (--researchers, and the logins of the stack outputs).
	Known []string
	// Buckets maps the PHI buckets to their role (data-in, output, ancillary); when given, the S3 events
	// of other buckets are left out. Empty: every bucket, named by itself.
	Buckets map[string]string
	// MountPoint is the data volume's mount point on the workstation (/<pit>); empty: the first directory
	// of each path under the watch.
	MountPoint string
	// ShowKeys shows object keys, file paths, the constants of predicates and unparsable queries; by
	// default they are replaced by their SHA-256 or by $n.
	ShowKeys bool
}

// Validate reports options that cannot be right, naming the flag.
func (o Options) Validate() error {
	var errs []error
	if err := o.Window.Check(); err != nil {
		errs = append(errs, err)
	}
	if o.MountPoint != "" && (!path.IsAbs(o.MountPoint) || path.Clean(o.MountPoint) == "/") {
		errs = append(errs, fmt.Errorf("mount point %q: want an absolute directory below /, such as /hipaa", o.MountPoint))
	}
	for _, list := range []struct {
		flag   string
		values []string
	}{{"--researcher", o.Researchers}, {"--researchers", o.Known}, {"--dataset", o.Datasets}} {
		for _, v := range list.values {
			if v == "" || strings.ContainsAny(v, " \t,") {
				errs = append(errs, fmt.Errorf("%s %q: want a name without spaces or commas", list.flag, v))
			}
		}
	}
	return errors.Join(errs...)
}

// wantResearcher reports whether the researcher filter admits a person.
func (o Options) wantResearcher(who string) bool {
	return len(o.Researchers) == 0 || slices.Contains(o.Researchers, who)
}

// wantDataset reports whether the dataset filter admits a dataset: by its name or by its source.
func (o Options) wantDataset(dataset string) bool {
	if len(o.Datasets) == 0 {
		return true
	}
	source, _, _ := strings.Cut(dataset, "/")
	return slices.Contains(o.Datasets, dataset) || slices.Contains(o.Datasets, source)
}

// listed says how a person found in the logs stands against the researchers the report must name.
func (o Options) listed(who string, attributed bool) string {
	switch {
	case !attributed:
		return "unattributed"
	case len(o.Known) == 0:
		return ""
	case slices.Contains(o.Known, who):
		return "listed"
	}
	return "unlisted"
}

// hidden returns a key or path as the report shows it: itself with --show-keys, else its SHA-256.
func (o Options) hidden(s string) string {
	if o.ShowKeys {
		return s
	}
	return "sha256:" + phi.KeyHash(s)
}

// part returns the top-level prefix or directory that names a dataset: itself, unless keys are hidden
// and the PHI detector finds an identifier in it.
func (o Options) part(s string) string {
	if o.ShowKeys || len(phi.New(nil).Check(s)) == 0 {
		return s
	}
	return "sha256:" + phi.KeyHash(s)
}

// s3Dataset names the dataset of an object: the bucket's role and the key's top-level prefix.
func (o Options) s3Dataset(bucket, key string) string {
	role := bucket
	if r := o.Buckets[bucket]; r != "" {
		role = r
	}
	top, _, found := strings.Cut(key, "/")
	if !found {
		return role + "/(top level)"
	}
	return role + "/" + o.part(top)
}

// volumeDataset names the dataset of a file on the data volume, and reports whether the file lies
// under the mount point: "volume/" and the first directory below the mount point.
func (o Options) volumeDataset(p string) (string, bool) {
	if !path.IsAbs(p) {
		return "volume/(relative path)", true
	}
	rest := strings.TrimPrefix(p, "/")
	if o.MountPoint != "" {
		mount := strings.TrimPrefix(path.Clean(o.MountPoint), "/")
		var ok bool
		if rest, ok = strings.CutPrefix(rest, mount); !ok || (rest != "" && rest[0] != '/') {
			return "", false
		}
		rest = strings.TrimPrefix(rest, "/")
	} else if _, after, ok := strings.Cut(rest, "/"); ok {
		rest = after
	} else {
		rest = ""
	}
	top, _, found := strings.Cut(rest, "/")
	if !found {
		return "volume/(top level)", true
	}
	return "volume/" + o.part(top), true
}
