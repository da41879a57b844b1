package components

import (
	"fmt"
	"regexp"
	"strings"
)

// Machine names (`uname -m`) of the processors SCE instances run on; release assets are named by them.
const (
	ArchX86 = "x86_64"
	ArchARM = "aarch64"
)

// PinnedDownload is a file a boot script fetches from outside AWS: a fixed release, and the sha256 of that
// release's asset for the instance's architecture. The script installs or runs the file only after
// `sha256sum --check` accepted it.
type PinnedDownload struct {
	// Version is the release ("v2.38.2", "26.3.2-3"). Required.
	Version string
	// SHA256 is the checksum of the asset for the instance's architecture: 64 lower-case hex digits.
	// Required.
	SHA256 string
}

// AtlasImages are the container images of the Atlas host, each with a version tag and optionally a digest.
type AtlasImages struct {
	// WebAPI, Atlas and Postgres are image references such as docker.io/ohdsi/webapi:2.14.0. Required.
	WebAPI, Atlas, Postgres string
}

var (
	pinnedVersion = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+)*(-[0-9]+)?$`)
	sha256Hex     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// pinnedImage is a reference with a tag that begins with a digit (after an optional v) and an optional
	// digest; it holds no character that could break out of the compose file.
	pinnedImage = regexp.MustCompile(`^[a-z0-9][a-z0-9._/:-]*:v?[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$`)
)

// check refuses a download without a release or a checksum: the script would fetch whatever is current,
// or run it unverified.
func (d PinnedDownload) check(what string) error {
	if !pinnedVersion.MatchString(d.Version) {
		return fmt.Errorf("user data: %s release %q is not a pinned version", what, d.Version)
	}
	if !sha256Hex.MatchString(d.SHA256) {
		return fmt.Errorf("user data: %s %s has no sha256 for this architecture (got %q)", what, d.Version, d.SHA256)
	}
	return nil
}

// check refuses an image without a version tag.
func (im AtlasImages) check() error {
	for name, ref := range map[string]string{"WebAPI": im.WebAPI, "Atlas": im.Atlas, "PostgreSQL": im.Postgres} {
		if !pinnedImage.MatchString(ref) || strings.Contains(ref, ":latest") {
			return fmt.Errorf("user data: the %s image %q is not pinned to a version tag", name, ref)
		}
	}
	return nil
}

// checkArch refuses an architecture the boot scripts have no assets for.
func checkArch(arch string) error {
	if arch != ArchX86 && arch != ArchARM {
		return fmt.Errorf("user data: architecture %q is not %s or %s", arch, ArchX86, ArchARM)
	}
	return nil
}
