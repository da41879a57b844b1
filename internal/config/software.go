package config

import (
	"regexp"
	"slices"
	"strings"
)

// Software pins everything the boot scripts download from outside AWS: a release never moves under a
// running project, and a file is run only after its sha256 matched the pinned one.
type Software struct {
	// WebAPIImage, AtlasImage and PostgresImage are the Atlas host's container images: a version tag,
	// optionally followed by an @sha256: digest.
	WebAPIImage, AtlasImage, PostgresImage string
	// Compose is the docker compose plugin the Atlas host installs.
	Compose Download
	// Miniforge is the installer of the conda environment that holds R on the workstation.
	Miniforge Download
	// JupyterLabVersion is the JupyterLab release pip installs on the workstation.
	JupyterLabVersion string
}

// Download is one pinned file: its release and the sha256 of its asset for each architecture. An empty
// checksum means that architecture is refused.
type Download struct {
	Version string
	// SHA256AMD64 is the checksum of the x86_64 asset, SHA256ARM64 that of the aarch64 asset.
	SHA256AMD64, SHA256ARM64 string
}

// SHA256 returns the checksum of the asset for an instance type's architecture ("" when it is refused).
func (d Download) SHA256(instanceType string) string {
	if Graviton(instanceType) {
		return d.SHA256ARM64
	}
	return d.SHA256AMD64
}

// graviton matches the families of AWS Graviton (arm64) processors: a "g" right after the generation
// (m7g, c6gn, r6gd).
var graviton = regexp.MustCompile(`^[a-z]+[0-9]+g`)

// Graviton reports whether an instance type runs on an arm64 (Graviton) processor; the others are x86_64.
func Graviton(instanceType string) bool { return graviton.MatchString(instanceType) }

// Arch is the machine name (`uname -m`) of an instance type's processor: aarch64 or x86_64. Release assets
// are named by it.
func Arch(instanceType string) string {
	if Graviton(instanceType) {
		return "aarch64"
	}
	return "x86_64"
}

var (
	// imagePattern is a container image reference with an explicit tag and an optional digest: an optional
	// registry host (with port), path components of lower-case letters and digits joined by . _ -, a tag
	// that begins with a version number, and @sha256: with 64 hex digits.
	imagePattern = regexp.MustCompile(`^([a-z0-9]+([.-][a-z0-9]+)*(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*` +
		`:v?[0-9]+(\.[0-9]+)*([._-][A-Za-z0-9]+)*(@sha256:[0-9a-f]{64})?$`)
	sha256Pattern     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	composeVersion    = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)
	miniforgeVersion  = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+$`)
	jupyterLabVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
)

// imageAccepted is what the image keys accept, for error messages.
const imageAccepted = "accepted: [registry/]repository:tag with a tag that begins with a version number, optionally followed by @sha256:<64 hex digits>, such as docker.io/ohdsi/webapi:2.14.0"

// CheckImage returns why a container image reference is refused, or "". A tag is required and must begin
// with a version number, so that floating tags (latest, stable, main) are refused.
func CheckImage(ref string) string {
	if imagePattern.MatchString(ref) {
		return ""
	}
	name, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i < 0 || strings.Contains(name[i:], "/") {
		return "has no tag, so it names whatever is pushed next; " + imageAccepted
	}
	if strings.HasSuffix(name, ":latest") {
		return "is tagged latest, which moves under a running project; " + imageAccepted
	}
	return "is not a pinned image reference; " + imageAccepted
}

// OHDSIRelease is the OHDSI WebAPI and Atlas release (major.minor) whose settings the Atlas host writes:
// they were read in WebAPI 2.14's sources (src/main/resources/application.properties and the Maven
// profile webapi-docker of pom.xml, the environment variables that override them; DDLService's
// /ddl/results parameters; SourceService's /source/refresh) and Atlas 2.14's (docker/30-atlas-env-subst.sh
// and docker/config-local.js: WEBAPI_URL; nginx on port 8080). Another release may name them otherwise
// (WebAPI 3 moved to Spring Boot 3 and spring.flyway.*), so another release is refused until its sources
// are checked and this constant moved.
const OHDSIRelease = "2.14"

// imageRelease returns the major.minor release of an image reference's tag ("2.14" of
// docker.io/ohdsi/webapi:2.14.0@sha256:...), or "" without one.
func imageRelease(ref string) string {
	name, _, _ := strings.Cut(ref, "@")
	i := strings.LastIndex(name, ":")
	if i < 0 || strings.Contains(name[i:], "/") {
		return ""
	}
	parts := strings.SplitN(strings.TrimPrefix(name[i+1:], "v"), ".", 3)
	if len(parts) < 2 {
		return parts[0]
	}
	minor := parts[1]
	if j := strings.IndexAny(minor, "-_"); j >= 0 {
		minor = minor[:j]
	}
	return parts[0] + "." + minor
}

// ohdsiImage reads an OHDSI image key and refuses a release other than OHDSIRelease.
func (r *reader) ohdsiImage(name string) string {
	v := r.image(name)
	if CheckImage(v) != "" {
		return v
	}
	if rel := imageRelease(v); rel != OHDSIRelease {
		r.ps.add(full(name), v, "is release %s, but the Atlas host's WebAPI and Atlas settings were checked against release %s's sources only; accepted: a %s.x tag, such as the default",
			rel, OHDSIRelease, OHDSIRelease)
	}
	return v
}

// software reads the pinned versions and checksums. The instance types decide which architecture each
// download needs; a download is checked for its architecture only where it is used (docker compose on
// the Atlas host with omopEnabled, Miniforge on the workstation with the r tool).
func (r *reader) software(c *Config) Software {
	s := Software{
		WebAPIImage:       r.ohdsiImage(KeyAtlasWebAPIImage),
		AtlasImage:        r.ohdsiImage(KeyAtlasImage),
		PostgresImage:     r.image(KeyAtlasPostgresImage),
		Compose:           r.download(KeyDockerComposeVersion, composeVersion, "a docker compose release tag such as v2.38.2", KeyDockerComposeSHA256AMD64, KeyDockerComposeSHA256ARM64),
		Miniforge:         r.download(KeyMiniforgeVersion, miniforgeVersion, "a Miniforge release such as 26.3.2-3", KeyMiniforgeSHA256AMD64, KeyMiniforgeSHA256ARM64),
		JupyterLabVersion: r.value(KeyJupyterLabVersion),
	}
	if !jupyterLabVersion.MatchString(s.JupyterLabVersion) {
		r.ps.add(full(KeyJupyterLabVersion), s.JupyterLabVersion, "is not a JupyterLab release; accepted: a final release number such as 4.4.3")
	}
	if c.OMOP.Enabled {
		t := c.OMOP.AtlasInstanceType
		r.needArch(t, KeyAtlasInstanceType, s.Compose, KeyDockerComposeSHA256AMD64, KeyDockerComposeSHA256ARM64,
			"docker-compose-linux-"+Arch(t)+" of docker compose "+s.Compose.Version)
	}
	if slices.Contains(c.AnalysisTools, "r") {
		t := c.WorkstationInstanceType
		r.needArch(t, KeyWorkstationInstanceType, s.Miniforge, KeyMiniforgeSHA256AMD64, KeyMiniforgeSHA256ARM64,
			"Miniforge3-"+s.Miniforge.Version+"-Linux-"+Arch(t)+".sh")
	}
	return s
}

// image reads a container image key.
func (r *reader) image(name string) string {
	v := r.value(name)
	if msg := CheckImage(v); msg != "" {
		r.ps.add(full(name), v, "%s", msg)
	}
	return v
}

// download reads a version key and its two checksum keys. A checksum may be empty (that architecture is
// refused); one that is set must be 64 lower-case hex digits. A version other than the default with a
// checksum left at its default is refused: the default checksums belong to the default release.
func (r *reader) download(versionKey string, versionPattern *regexp.Regexp, versionAccepted, amd64Key, arm64Key string) Download {
	d := Download{Version: r.value(versionKey), SHA256AMD64: r.value(amd64Key), SHA256ARM64: r.value(arm64Key)}
	if !versionPattern.MatchString(d.Version) {
		r.ps.add(full(versionKey), d.Version, "is not a pinned release; accepted: %s", versionAccepted)
	}
	defaultVersion, _ := KeyNamed(versionKey)
	for _, k := range []struct{ key, sum string }{{amd64Key, d.SHA256AMD64}, {arm64Key, d.SHA256ARM64}} {
		if k.sum != "" && !sha256Pattern.MatchString(k.sum) {
			r.ps.add(full(k.key), k.sum, "is not a sha256; accepted: 64 lower-case hex digits, or empty to refuse that architecture")
			continue
		}
		def, _ := KeyNamed(k.key)
		if d.Version != defaultVersion.Default && k.sum != "" && k.sum == def.Default {
			r.ps.add(full(k.key), k.sum, "is the checksum of %s %s, not of %s; accepted: the sha256 of the %s asset (from the release's own checksum file), or empty to refuse that architecture",
				full(versionKey), defaultVersion.Default, d.Version, d.Version)
		}
	}
	return d
}

// needArch refuses an instance type whose architecture has no checksum for a download it needs.
func (r *reader) needArch(instanceType, typeKey string, d Download, amd64Key, arm64Key, asset string) {
	if d.SHA256(instanceType) != "" {
		return
	}
	key := amd64Key
	if Graviton(instanceType) {
		key = arm64Key
	}
	r.ps.add(full(key), "", "is empty, but %s %s is an %s type; accepted: the sha256 of %s, or an instance type of the other architecture",
		full(typeKey), instanceType, Arch(instanceType), asset)
}
