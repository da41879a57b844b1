package scaffold

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxKeyFileBytes bounds what is read from a key file: an OpenSSH public key of any accepted type is
// well under 1 KiB (an RSA 16384-bit key is about 2.8 KiB).
const maxKeyFileBytes = 16 << 10

// publicKeyPrefixes begin an OpenSSH public key line; anything else given to --ssh-key is a file name.
var publicKeyPrefixes = []string{"ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-"}

// ErrPrivateKey is returned when --ssh-key names or holds a private key. The key is never echoed.
var ErrPrivateKey = errors.New("is a private key; give the public key (the .pub file next to it, or its one line): a private key never goes into configuration")

// privateKeyMarkers are found in the private key formats ssh users have at hand: OpenSSH, PEM (RSA, EC,
// PKCS#8, encrypted) and PuTTY.
var privateKeyMarkers = []string{"PRIVATE KEY", "PuTTY-User-Key-File", "Private-Lines:"}

// isPrivateKey reports whether text holds a private key.
func isPrivateKey(text string) bool {
	for _, m := range privateKeyMarkers {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// ResolveSSHKey returns the public key that --ssh-key gives: the value itself when it is a key line
// ("ssh-ed25519 AAAA... user@host"), otherwise the contents of the file it names (a leading "~/" is the
// home directory). A private key, given either way, is refused with ErrPrivateKey; its text is never part
// of an error. The key's format and strength are left to config.Load.
func ResolveSSHKey(value string) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", errors.New("is empty; accepted: a public key file such as ~/.ssh/id_ed25519.pub, or the key's one line")
	}
	if isPrivateKey(value) {
		return "", ErrPrivateKey
	}
	for _, p := range publicKeyPrefixes {
		if strings.HasPrefix(value, p) {
			return value, nil
		}
	}
	path := value
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%s: find the home directory: %w", path, err)
		}
		path = filepath.Join(home, rest)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read public key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return "", fmt.Errorf("read public key file %s: %w", path, err)
	}
	text := string(data)
	if isPrivateKey(text) {
		return "", fmt.Errorf("file %s %w", path, ErrPrivateKey)
	}
	if len(data) > maxKeyFileBytes {
		return "", fmt.Errorf("file %s is larger than %d bytes; accepted: a public key file (one line)", path, maxKeyFileBytes)
	}
	return strings.TrimSpace(text), nil
}
