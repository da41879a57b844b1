package components

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Checksums for the tests: well-formed values, not those of any real release.
const (
	testSumA = "1111111111111111111111111111111111111111111111111111111111111111"
	testSumB = "2222222222222222222222222222222222222222222222222222222222222222"
)

// testWorkstation is a workstation's user data with every tool, for an architecture.
func testWorkstation(arch string, tools ...string) UserData {
	return UserData{PIT: "study", Role: RoleWorkstation, LogGroup: "/sce/study/workstation",
		DataVolumeID: "vol-0123456789abcdef0", MountPoint: "/study", Tools: tools,
		Region: "us-west-2", ResearcherRoleARN: "arn:aws:iam::111122223333:role/study-researcher",
		Arch: arch, Miniforge: PinnedDownload{Version: "26.3.2-3", SHA256: testSumA}, JupyterLabVersion: "4.4.3"}
}

// testAtlas is the Atlas host's user data for an architecture.
func testAtlas(arch string) UserData {
	return UserData{PIT: "study", Role: RoleAtlas, LogGroup: "/sce/study/atlas",
		Region: "us-west-2", ReadOnlySecretARN: "arn:aws:secretsmanager:us-west-2:111122223333:secret:study/omop/ohdsi_reader-AbCdEf",
		RedshiftHost: "study-omop.abc123.us-west-2.redshift.amazonaws.com", RedshiftPort: 5439, Database: "omop",
		CDMSchema: "cdm", ResultsSchema: "results", AtlasPort: AtlasPort, WebAPIPort: WebAPIPort, Arch: arch,
		Images: AtlasImages{WebAPI: "docker.io/ohdsi/webapi:2.14.0", Atlas: "docker.io/ohdsi/atlas:2.14.0@sha256:" + testSumB,
			Postgres: "docker.io/library/postgres:16.4"},
		Compose: PinnedDownload{Version: "v2.38.2", SHA256: testSumB}}
}

// testWorker is a worker's user data.
func testWorker() UserData {
	return UserData{PIT: "study", Role: RoleWorker, LogGroup: "/sce/study/worker", Region: "us-west-2", MountPoint: WorkerScratchMount,
		Worker: &WorkerSettings{QueueURL: "https://sqs.us-west-2.amazonaws.com/111122223333/study-ledger",
			OutputBucket: "study-output-a1b2c3", KMSKeyARN: "arn:aws:kms:us-west-2:111122223333:key/0f0e0d0c-0b0a-0908-0706-050403020100",
			BinaryURI: "s3://study-ancillary-a1b2c3/software/sce-worker/c5.xlarge/sce-worker", BinarySHA256: testSumB, Pipeline: "/opt/sce/pipeline/run",
			PipelineURI: "s3://study-ancillary-a1b2c3/pipelines/run", PipelineSHA256: testSumA, PipelinePath: "/opt/sce/pipeline/run",
			IdleMinutes: 15, GroupName: "study-workers", ScratchDevice: WorkerScratchDevice, MetricNamespace: WorkerMetricNamespace}}
}

// renderedScripts renders every role's user data, the workstation and the Atlas host for both
// architectures, keyed by a name for messages.
func renderedScripts(t *testing.T) map[string]string {
	t.Helper()
	cases := map[string]UserData{
		"bastion": {PIT: "study", Role: RoleBastion, LogGroup: "/sce/study/bastion"},
		"worker":  testWorker(),
	}
	for _, arch := range []string{ArchX86, ArchARM} {
		cases["workstation-"+arch] = testWorkstation(arch, "python", "jupyter", "r")
		cases["atlas-"+arch] = testAtlas(arch)
	}
	out := map[string]string{}
	for name, u := range cases {
		s, err := RenderUserData(u)
		require.NoError(t, err, name)
		out[name] = s
	}
	return out
}

var (
	// curlOutput is a curl download's target file; s3Copy an aws s3 cp download's.
	curlOutput = regexp.MustCompile(`curl [^\n]*-o (\S+)`)
	s3Copy     = regexp.MustCompile(`aws s3 cp [^\n]*'s3://[^']+' (\S+)`)
	// imdsLatest is the instance metadata service's path, the one "latest" that is not a release.
	imdsLatest = regexp.MustCompile(`http://169\.254\.169\.254/latest/`)
)

func TestRenderedScriptsPinEveryRelease(t *testing.T) {
	for name, s := range renderedScripts(t) {
		assert.NotContains(t, s, "releases/latest", name)
		assert.NotContains(t, s, ":latest", name)
		assert.NotContains(t, imdsLatest.ReplaceAllString(s, ""), "latest", "%s: nothing but the metadata service says latest", name)
		assert.NotContains(t, s, "--upgrade", "%s: pip installs the pinned release, not the newest", name)
	}
}

// TestEveryDownloadIsCheckedBeforeItIsUsed follows each downloaded file to its next mention: it must be a
// sha256sum --check of exactly that file against a pinned checksum. Continued lines are joined first, so
// that an option on a continuation line is seen.
func TestEveryDownloadIsCheckedBeforeItIsUsed(t *testing.T) {
	checked := 0
	for name, script := range renderedScripts(t) {
		s := strings.ReplaceAll(script, "\\\n", " ")
		for _, re := range []*regexp.Regexp{curlOutput, s3Copy} {
			for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
				file := strings.Trim(s[m[2]:m[3]], `'"`)
				rest := s[m[1]:]
				next := strings.Index(rest, file)
				require.GreaterOrEqual(t, next, 0, "%s: %s is downloaded and never checked", name, file)
				lineStart := strings.LastIndex(rest[:next], "\n") + 1
				lineEnd := next + strings.Index(rest[next:], "\n")
				line := rest[lineStart:lineEnd]
				assert.Regexp(t, `echo '[0-9a-f]{64}  `+regexp.QuoteMeta(file)+`' \| sha256sum --check --strict`, line,
					"%s: the first use of %s after its download is its checksum check", name, file)
				checked++
			}
		}
	}
	assert.Equal(t, 6, checked, "compose on both Atlas hosts, Miniforge on both workstations, the worker's binary and pipeline")
}

func TestScriptsRefuseAnotherArchitecture(t *testing.T) {
	for _, arch := range []string{ArchX86, ArchARM} {
		atlas, err := RenderUserData(testAtlas(arch))
		require.NoError(t, err)
		assert.Contains(t, atlas, `[ "$(uname -m)" = `+arch+` ] || { echo`, "the Atlas host stops on a machine the pinned compose is not for")
		assert.Contains(t, atlas, "/docker-compose-linux-"+arch+"'")
		ws, err := RenderUserData(testWorkstation(arch, "r"))
		require.NoError(t, err)
		assert.Contains(t, ws, `if [ "$(uname -m)" != `+arch+` ]; then`, "the workstation skips R on a machine the pinned installer is not for")
		assert.Contains(t, ws, "/Miniforge3-26.3.2-3-Linux-"+arch+".sh'")
	}
}

func TestAtlasUserDataRunsThePinnedImages(t *testing.T) {
	s, err := RenderUserData(testAtlas(ArchX86))
	require.NoError(t, err)
	for _, image := range []string{"docker.io/ohdsi/webapi:2.14.0", "docker.io/ohdsi/atlas:2.14.0@sha256:" + testSumB, "docker.io/library/postgres:16.4"} {
		assert.Contains(t, s, "    image: "+image+"\n")
	}
	assert.Equal(t, 3, strings.Count(s, "    image: "), "no other image")
	assert.Contains(t, s, "releases/download/v2.38.2/docker-compose-linux-x86_64")
	compose := strings.Index(s, "sha256sum --check")
	assert.Less(t, compose, strings.Index(s, "install -D -m 755 /root/sce-downloads/docker-compose"), "installed only after the check")
	assert.Less(t, compose, strings.Index(s, "docker compose -f"), "compose runs only after the check")
}

func TestWorkerUserDataInstallsOnlyTheVerifiedPipeline(t *testing.T) {
	s, err := RenderUserData(testWorker())
	require.NoError(t, err)
	fetch := strings.Index(s, "aws s3 cp --region us-west-2 --only-show-errors 's3://study-ancillary-a1b2c3/pipelines/run' /root/sce-downloads/pipeline")
	check := strings.Index(s, "echo '"+testSumA+"  /root/sce-downloads/pipeline' | sha256sum --check --strict")
	install := strings.Index(s, "install -D -m 755 -o root -g root /root/sce-downloads/pipeline '/opt/sce/pipeline/run'")
	start := strings.Index(s, "systemctl enable --now sce-worker.service")
	require.True(t, fetch >= 0 && check >= 0 && install >= 0 && start >= 0, "fetch, check, install and start are all there")
	assert.True(t, fetch < check && check < install && install < start, "fetched, checked, installed, then the worker starts")
	assert.Contains(t, s, "PIPELINE_COMMAND='/opt/sce/pipeline/run'")
}

func TestRenderUserDataRefusesUnpinnedDownloads(t *testing.T) {
	tests := []struct {
		name   string
		change func(*UserData)
	}{
		{"an Atlas image tagged latest", func(u *UserData) { u.Images.WebAPI = "ohdsi/webapi:latest" }},
		{"an Atlas image without a tag", func(u *UserData) { u.Images.Atlas = "ohdsi/atlas" }},
		{"an Atlas image that breaks the compose file", func(u *UserData) { u.Images.Postgres = "postgres:16\n    privileged: true" }},
		{"docker compose without a checksum", func(u *UserData) { u.Compose.SHA256 = "" }},
		{"docker compose from releases/latest", func(u *UserData) { u.Compose.Version = "latest" }},
		{"an unknown architecture", func(u *UserData) { u.Arch = "$(reboot)" }},
		{"a workstation with R and no installer checksum", func(u *UserData) { *u = testWorkstation(ArchARM, "r"); u.Miniforge.SHA256 = "" }},
		{"a workstation with JupyterLab unpinned", func(u *UserData) { *u = testWorkstation(ArchX86, "jupyter"); u.JupyterLabVersion = "" }},
		{"a worker without its pipeline's checksum", func(u *UserData) { *u = testWorker(); u.Worker.PipelineSHA256 = "" }},
		{"a worker without its binary's checksum", func(u *UserData) { *u = testWorker(); u.Worker.BinarySHA256 = "" }},
		{"a worker with a quote in its pipeline address", func(u *UserData) { *u = testWorker(); u.Worker.PipelineURI = "s3://b/p'; reboot; '" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := testAtlas(ArchX86)
			tt.change(&u)
			_, err := RenderUserData(u)
			assert.Error(t, err)
		})
	}
	_, err := RenderUserData(testWorkstation(ArchX86, "python"))
	assert.NoError(t, err, "python alone downloads nothing from outside the distribution")
}
