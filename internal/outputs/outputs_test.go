package outputs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadGivesTheOutputsOfAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"pit":"hipaa","dataInBucket":"hipaa-data-in-1a2b3c4d","n":3,"secret":"[secret]","empty":""}`), 0o600))
	o, err := Read(path)
	require.NoError(t, err)
	b, err := o.String(DataInBucket)
	require.NoError(t, err)
	assert.Equal(t, "hipaa-data-in-1a2b3c4d", b)
	_, err = o.String("kmsKeyArn")
	assert.ErrorContains(t, err, `have no "kmsKeyArn"`)
	_, err = o.String("n")
	assert.ErrorContains(t, err, `"n"`)
	assert.ErrorContains(t, err, "want a non-empty string")
	_, err = o.String("empty")
	assert.ErrorContains(t, err, "want a non-empty string")
	_, err = o.String("secret")
	assert.ErrorContains(t, err, "is a secret")
	assert.Equal(t, "", o.Optional("n"))
	assert.NoError(t, o.CheckStack("hipaa"))
	assert.NoError(t, o.CheckStack(""))
	assert.ErrorContains(t, o.CheckStack("omop"), `--stack omop does not match the stack outputs `+path+`, which are of stack "hipaa"`)
	anonymous, err := Parse("x.json", []byte(`{"dataInBucket":"hipaa-data-in-1a2b3c4d"}`))
	require.NoError(t, err)
	assert.ErrorContains(t, anonymous.CheckStack("hipaa"), `have no "pit": they cannot be shown to be stack hipaa's`)
}

func TestReadRefusesWhatIsNotAnOutputsObject(t *testing.T) {
	for _, body := range []string{`[1,2]`, `null`, `not json`} {
		_, err := Parse("x.json", []byte(body))
		assert.ErrorContains(t, err, "parse stack outputs x.json", body)
	}
	_, err := Read(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "read stack outputs")
}

func TestFromPulumiRunsThePulumiCLI(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\nif [ \"$*\" = \"stack output --json --stack hipaa\" ]; then echo '{\"pit\":\"hipaa\"}'; else echo \"no stack $*\" >&2; exit 1; fi\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pulumi"), []byte(script), 0o755))
	t.Setenv("PATH", dir)
	o, err := FromPulumi("hipaa")
	require.NoError(t, err)
	assert.Equal(t, "hipaa", o.Optional(PIT))
	_, err = FromPulumi("omop")
	assert.ErrorContains(t, err, "no stack stack output --json --stack omop")
}

func TestFromPulumiExplainsAMissingCLI(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := FromPulumi("hipaa")
	assert.ErrorContains(t, err, "pulumi stack output --json --stack hipaa > outputs.json")
}

func TestRequireNamesEveryMissingOutput(t *testing.T) {
	o, err := Parse("outputs.json", []byte(`{"pit":"hipaa","dataInBucket":"hipaa-data-in-1a2b3c4d","outputBucket":"","logBucket":3,"kmsKeyArn":"[secret]","knownPrincipals":["arn:aws:iam::111122223333:role/a"],"empty":[]}`))
	require.NoError(t, err)
	assert.NoError(t, o.Require(PIT, DataInBucket, KnownPrincipals))
	err = o.Require(PIT, DataInBucket, OutputBucket, LogBucket, KMSKeyARN, AccessLogBucket, "empty")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stack outputs outputs.json lack accessLogBucket, empty, kmsKeyArn, logBucket, outputBucket:")
	assert.Contains(t, err.Error(), "pulumi stack output --json")
}

func TestListReadsAListOfStrings(t *testing.T) {
	o, err := Parse("outputs.json", []byte(`{"knownPrincipals":["arn:aws:iam::111122223333:role/a","arn:aws:iam::111122223333:role/sso/*"],"n":[1],"s":"x"}`))
	require.NoError(t, err)
	l, err := o.List(KnownPrincipals)
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/sso/*"}, l)
	_, err = o.List("n")
	assert.ErrorContains(t, err, "want non-empty strings")
	_, err = o.List("s")
	assert.ErrorContains(t, err, "want a list of strings")
	_, err = o.List("missing")
	assert.ErrorContains(t, err, `have no "missing"`)
}
