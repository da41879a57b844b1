package config

import (
	"crypto/rsa"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
)

// minRSABits is the smallest RSA key accepted (NIST SP 800-57: 3072 bits for use beyond 2030).
const minRSABits = 3072

// A login is also the researcher's STS source identity and role session name, which STS refuses below 2
// characters (STS API Reference, AssumeRole: SourceIdentity and RoleSessionName, 2 to 64 of [\w+=,.@-]).
var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,31}$`)

// systemLogins are accounts of Amazon Linux or of this project that a researcher may not take.
var systemLogins = []string{"root", "ec2-user", "ssm-user", "admin", "bin", "daemon", "adm", "lp", "sync", "shutdown",
	"halt", "mail", "operator", "games", "ftp", "nobody", "sshd", "chrony", "rpc", "rpcuser", "systemd-network",
	"systemd-resolve", "dbus", "polkitd", "libstoragemgmt", "tss", "cwagent", "sce"}

// analysisTools are the tools the workstation can install.
var analysisTools = []string{"python", "jupyter", "r"}

// CheckSSHPublicKey returns why a public key is refused, or "".
func CheckSSHPublicKey(s string) string {
	if strings.Contains(s, "PRIVATE KEY") {
		return "is a private key: give the public key (the .pub file); a private key must never be in configuration"
	}
	if strings.HasPrefix(strings.TrimSpace(s), dsaKeyType+" ") {
		return dsaRefused
	}
	key, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		return "is not an OpenSSH public key; accepted: one line such as ssh-ed25519 AAAA... user@example.org"
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return "holds more than one key; accepted: exactly one public key"
	}
	switch key.Type() {
	// FIDO security keys (ssh-keygen -t ed25519-sk or ecdsa-sk) are the strongest a person can hold: the
	// private key never leaves the device, and each login needs a touch. OpenSSH 8.2 and later accept them.
	case ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoSKED25519, ssh.KeyAlgoSKECDSA256:
		return ""
	case ssh.KeyAlgoRSA:
		ck, ok := key.(ssh.CryptoPublicKey)
		if !ok {
			return "is an RSA key whose size cannot be read"
		}
		rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey)
		if !ok || rk.N.BitLen() < minRSABits {
			return fmt.Sprintf("is an RSA key shorter than %d bits; accepted: %s", minRSABits, acceptedKeys)
		}
		return ""
	}
	return fmt.Sprintf("is a %s key; accepted: %s", key.Type(), acceptedKeys)
}

// acceptedKeys says which public keys are accepted.
var acceptedKeys = fmt.Sprintf("ed25519, ECDSA, a FIDO security key (ed25519-sk, ecdsa-sk), or RSA of %d bits or more", minRSABits)

// dsaKeyType is the type name of a DSA public key (x/crypto no longer parses them).
const dsaKeyType = "ssh-dss"

// dsaRefused is the answer to a DSA key, recognised by its type before its body is parsed.
var dsaRefused = "is a DSA key; DSA keys are not accepted (OpenSSH has disabled them since 7.0); accepted: " + acceptedKeys

// shownKey is what an error message may show of a refused key: never any part of a private key.
func shownKey(s string) string {
	if strings.Contains(s, "PRIVATE KEY") {
		return "[a private key, not shown]"
	}
	return abbreviateKey(s)
}

func (r *reader) sshKey() string {
	key := full(KeySSHPublicKey)
	v := r.required(key)
	if v == "" {
		return ""
	}
	if msg := CheckSSHPublicKey(v); msg != "" {
		r.ps.add(key, shownKey(v), "%s", msg)
	}
	return v
}

// abbreviateKey shortens a key for an error message.
func abbreviateKey(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// researchers reads "<login> <public key>" entries.
func (r *reader) researchers() []Researcher {
	key := full(KeyResearchers)
	var out []Researcher
	seen := map[string]bool{}
	for _, entry := range r.list(KeyResearchers) {
		login, pub, ok := strings.Cut(strings.TrimSpace(entry), " ")
		pub = strings.TrimSpace(pub)
		switch {
		case !ok || pub == "":
			r.ps.add(key, shownKey(entry), "is not `<login> <ssh public key>`; accepted: for example alice ssh-ed25519 AAAA... alice@example.org")
			continue
		case !loginPattern.MatchString(login):
			r.ps.add(key, login, "is not a valid login; accepted: 2-32 characters of a-z, 0-9, _ and -, starting with a letter (the login is the researcher's AWS source identity, which STS refuses below 2 characters)")
			continue
		case slices.Contains(systemLogins, login):
			r.ps.add(key, login, "is a system account; accepted: a researcher's own login")
			continue
		case seen[login]:
			r.ps.add(key, login, "is listed twice; accepted: one entry per researcher")
			continue
		}
		if msg := CheckSSHPublicKey(pub); msg != "" {
			r.ps.add(key, login+" "+shownKey(pub), "%s", msg)
			continue
		}
		seen[login] = true
		out = append(out, Researcher{Login: login, PublicKey: pub})
	}
	return out
}

func checkTool(s string) string {
	if !slices.Contains(analysisTools, s) {
		return "is not an analysis tool this project installs; accepted: " + strings.Join(analysisTools, ", ")
	}
	return ""
}
