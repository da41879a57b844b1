package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

// Throwaway FIDO public keys (their security keys never existed); sk keys carry an application string.
const (
	skEd25519 = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIEX/Xs5J3/jVvGGZmS8CKG2j8/8TvHMC0Mi6u1ZnHSvtAAAABHNzaDo= alice@example.org"
	dsaKey    = "ssh-dss AAAAB3NzaC1kc3MAAACBAP1 bob@example.org" // the type decides; the body is not read
)

func TestFIDOKeysAreAccepted(t *testing.T) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(skEd25519))
	require.NoError(t, err, "the test key parses")
	assert.Equal(t, ssh.KeyAlgoSKED25519, pub.Type())
	assert.Empty(t, CheckSSHPublicKey(skEd25519))
	c, err := Load(FromMap(with(map[string]string{"sce:sshPublicKey": skEd25519, "sce:researchers": `["alice ` + skEd25519 + `"]`})))
	require.NoError(t, err)
	assert.Equal(t, skEd25519, c.Researchers[0].PublicKey)
}

func TestDSAKeysAreRefusedByName(t *testing.T) {
	msg := CheckSSHPublicKey(dsaKey)
	assert.True(t, strings.HasPrefix(msg, "is a DSA key; DSA keys are not accepted"), msg)
	assert.Contains(t, msg, "ed25519-sk", "the message names what is accepted, FIDO keys included")
}
