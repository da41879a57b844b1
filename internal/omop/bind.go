package omop

import (
	"crypto/md5" //nolint:gosec // Redshift's documented password-hash format is MD5; it is not used as a MAC here
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// RoleARNPlaceholder stands for the COPY role's ARN in SQL generated before the ARN is known. Pass it as
// roleARN (to VocabularyCopy, CDMCopy or in LoadConfig) when the role is created in the same Pulumi
// program, so that the list of statements is plain data and only their SQL text waits for the ARN: the
// component then binds each statement's SQL inside an apply on the role's ARN (Statement.Bind), which
// creates no resource there.
const RoleARNPlaceholder = "{{iam_role_arn}}"

// passwordPlaceholderPrefix starts the placeholder for a user's password digest; the user name follows,
// so that the statement carries everything Bind needs besides the password itself.
const passwordPlaceholderPrefix = "{{password_md5:"

// passwordPlaceholder stands for the MD5 password digest of user.
func passwordPlaceholder(user string) string { return passwordPlaceholderPrefix + user + "}}" }

// placeholderPattern finds any placeholder left in SQL.
var placeholderPattern = regexp.MustCompile(`\{\{[^}]*\}\}`)

// passwordPlaceholderPattern finds a password placeholder and the user it names.
var passwordPlaceholderPattern = regexp.MustCompile(`\{\{password_md5:([a-z_][a-z0-9_]{0,126})\}\}`)

// Bindings are the values the SQL waits for until deployment.
type Bindings struct {
	// RoleARN is the ARN of the role COPY uses; required when the SQL holds RoleARNPlaceholder.
	RoleARN string
	// Password is the read-only user's password, read from Secrets Manager; required when the SQL holds a
	// password placeholder. Only its MD5 digest reaches the SQL.
	Password string
	// PasswordVersion names the password without revealing it (the version id of the secret that holds
	// it); Fingerprint uses it in place of the password, so that a new password runs its statement again
	// while no fingerprint derives from a credential. Required by Fingerprint when the SQL holds a
	// password placeholder; Bind ignores it.
	PasswordVersion string
}

// fingerprintFormat starts every fingerprinted text; changing it runs every statement again.
const fingerprintFormat = "sce-statement/1\n"

// Fingerprint returns a digest (64 hex digits) of what the statement named name would run once bound,
// followed by the fingerprints of the statements it runs again with (Statement.RerunWith), so that it
// changes when, and only when, the SQL the statement means changes: another role, bucket, file, option or
// DDL, or a new password version. The password itself never enters it: a password placeholder
// contributes b.PasswordVersion instead. statements is the plan the statement belongs to.
func Fingerprint(statements []Statement, name string, b Bindings) (string, error) {
	byName := make(map[string]Statement, len(statements))
	for _, s := range statements {
		byName[s.Name] = s
	}
	return fingerprint(byName, name, b, map[string]bool{})
}

func fingerprint(byName map[string]Statement, name string, b Bindings, visiting map[string]bool) (string, error) {
	s, ok := byName[name]
	if !ok {
		return "", fmt.Errorf("fingerprint: no statement %s in the plan", name)
	}
	if visiting[name] {
		return "", fmt.Errorf("fingerprint: statement %s runs again with itself", name)
	}
	visiting[name] = true
	defer delete(visiting, name)
	sql := s.SQL
	if strings.Contains(sql, RoleARNPlaceholder) {
		if err := ValidateRoleARN(b.RoleARN); err != nil {
			return "", fmt.Errorf("fingerprint statement %s: %w", name, err)
		}
		sql = strings.ReplaceAll(sql, RoleARNPlaceholder, b.RoleARN)
	}
	if passwordPlaceholderPattern.MatchString(sql) {
		if b.PasswordVersion == "" {
			return "", fmt.Errorf("fingerprint statement %s: it sets a password and no password version is given", name)
		}
		sql = passwordPlaceholderPattern.ReplaceAllString(sql, "{{password_version:"+b.PasswordVersion+"}}")
	} else if left := placeholderPattern.FindString(sql); left != "" {
		return "", fmt.Errorf("fingerprint statement %s: placeholder %s is not one Bind knows", name, left)
	}
	h := sha256.New()
	h.Write([]byte(fingerprintFormat + sql))
	for _, r := range s.RerunWith {
		f, err := fingerprint(byName, r, b, visiting)
		if err != nil {
			return "", err
		}
		h.Write([]byte("\n" + r + "=" + f))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Bind returns the statement's SQL with its placeholders replaced: the role ARN, and the password's
// digest in Redshift's 'md5' || md5(password || user) form. A statement without placeholders comes back
// unchanged, so the component may bind every statement the same way. It fails, without echoing the
// password, when a value the SQL needs is missing or invalid.
func (s Statement) Bind(b Bindings) (string, error) {
	sql := s.SQL
	if strings.Contains(sql, RoleARNPlaceholder) {
		if err := ValidateRoleARN(b.RoleARN); err != nil {
			return "", fmt.Errorf("bind statement %s: %w", s.Name, err)
		}
		sql = strings.ReplaceAll(sql, RoleARNPlaceholder, b.RoleARN)
	}
	var bindErr error
	sql = passwordPlaceholderPattern.ReplaceAllStringFunc(sql, func(m string) string {
		user := passwordPlaceholderPattern.FindStringSubmatch(m)[1]
		digest, err := PasswordDigest(user, b.Password)
		if err != nil {
			bindErr = errors.Join(bindErr, err)
			return m
		}
		return digest
	})
	if bindErr != nil {
		return "", fmt.Errorf("bind statement %s: %w", s.Name, bindErr)
	}
	if left := placeholderPattern.FindString(sql); left != "" {
		return "", fmt.Errorf("bind statement %s: placeholder %s is not one Bind knows", s.Name, left)
	}
	return sql, nil
}

// Placeholders lists the placeholders in the statement's SQL, in order of appearance: empty when the SQL
// is final.
func (s Statement) Placeholders() []string {
	return placeholderPattern.FindAllString(s.SQL, -1)
}

// PasswordDigest returns the string Redshift accepts in PASSWORD '...' in place of a clear password:
// "md5" followed by the hex MD5 of the password and the user name concatenated. The password must meet
// Redshift's rules for a clear-text password (8 to 64 ASCII characters 33-126 other than ' " \ / @, with
// an upper-case letter, a lower-case letter and a digit), so that the same password also works in a JDBC
// URL. Errors describe the password, never quote it.
func PasswordDigest(user, password string) (string, error) {
	if err := ValidateUser(user); err != nil {
		return "", err
	}
	if err := validatePassword(password); err != nil {
		return "", fmt.Errorf("password of user %s: %w", user, err)
	}
	return redshiftMD5(user, password), nil
}

// redshiftMD5 is Redshift's MD5 password form: "md5" and the hex MD5 of password and user concatenated.
func redshiftMD5(user, password string) string {
	sum := md5.Sum([]byte(password + user)) //nolint:gosec // Redshift's format
	return "md5" + hex.EncodeToString(sum[:])
}

// validatePassword applies Redshift's rules for a clear-text password.
func validatePassword(p string) error {
	if n := len(p); n < 8 || n > 64 {
		return fmt.Errorf("is %d characters long, want 8 to 64", n)
	}
	var upper, lower, digit bool
	for _, r := range p {
		switch {
		case r < 33 || r > 126:
			return errors.New("holds a character outside printable ASCII (codes 33 to 126)")
		case strings.ContainsRune(`'"\/@`, r):
			return errors.New(`holds one of ' " \ / @, which Redshift refuses in passwords`)
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	if !upper || !lower || !digit {
		return errors.New("needs at least one upper-case letter, one lower-case letter and one digit")
	}
	return nil
}
