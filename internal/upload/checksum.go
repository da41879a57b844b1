package upload

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
)

// partHasher passes the file through to the transfer manager and computes, on the way, the SHA-256 of
// the whole file and of each part of partSize bytes. The transfer manager reads the body sequentially and
// cuts parts of exactly PartSizeBytes (the last one shorter), so these are the bytes of each UploadPart.
type partHasher struct {
	r        io.Reader
	partSize int64
	whole    hash.Hash
	part     hash.Hash
	inPart   int64
	parts    [][]byte
	total    int64
}

func newPartHasher(r io.Reader, partSize int64) *partHasher {
	return &partHasher{r: r, partSize: partSize, whole: sha256.New(), part: sha256.New()}
}

func (h *partHasher) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	b := p[:n]
	h.total += int64(n)
	h.whole.Write(b)
	for len(b) > 0 {
		take := min(int64(len(b)), h.partSize-h.inPart)
		h.part.Write(b[:take])
		h.inPart += take
		b = b[take:]
		if h.inPart == h.partSize {
			h.endPart()
		}
	}
	return n, err
}

func (h *partHasher) endPart() {
	h.parts = append(h.parts, h.part.Sum(nil))
	h.part.Reset()
	h.inPart = 0
}

// digests returns the SHA-256 of the whole file and of each part, once the file has been read to its end.
func (h *partHasher) digests() (whole []byte, parts [][]byte) {
	if h.inPart > 0 {
		h.endPart()
	}
	return h.whole.Sum(nil), h.parts
}

// Checksum is an object's SHA-256 checksum as S3 reports it.
type Checksum struct {
	// Value is the base64 SHA-256: of the object for a single PUT (FULL_OBJECT), or of the concatenated
	// binary SHA-256 of the parts for a multipart upload (COMPOSITE).
	Value string
	// Parts is the number of parts of a composite checksum, 0 for a full-object one.
	Parts int
}

// String writes the checksum as S3 does: "<base64>" or "<base64>-<parts>".
func (c Checksum) String() string {
	if c.Parts == 0 {
		return c.Value
	}
	return c.Value + "-" + strconv.Itoa(c.Parts)
}

// fullObjectChecksum is the checksum S3 gives an object stored by one PUT.
func fullObjectChecksum(sum []byte) Checksum {
	return Checksum{Value: base64.StdEncoding.EncodeToString(sum)}
}

// compositeChecksum is the checksum S3 gives a multipart object whose parts were uploaded with SHA-256
// checksums: the SHA-256 of the parts' binary digests concatenated in part order, and the part count.
func compositeChecksum(parts [][]byte) Checksum {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return Checksum{Value: base64.StdEncoding.EncodeToString(h.Sum(nil)), Parts: len(parts)}
}

// Hex writes the checksum in hexadecimal, as sha256sum writes a digest: "<hex>" or "<hex>-<parts>". For a
// single PUT it is the file's own SHA-256.
func (c Checksum) Hex() string {
	raw, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil {
		return c.String()
	}
	if c.Parts == 0 {
		return hex.EncodeToString(raw)
	}
	return hex.EncodeToString(raw) + "-" + strconv.Itoa(c.Parts)
}

// parseChecksum reads a checksum S3 returned: "<base64>" or "<base64>-<parts>".
func parseChecksum(s string) (Checksum, error) {
	value, parts, found := strings.Cut(s, "-")
	c := Checksum{Value: value}
	if found {
		n, err := strconv.Atoi(parts)
		if err != nil || n < 1 {
			return Checksum{}, fmt.Errorf("checksum %q: part count %q is not a positive number", s, parts)
		}
		c.Parts = n
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(raw) != sha256.Size {
		return Checksum{}, fmt.Errorf("checksum %q is not a base64 SHA-256", s)
	}
	return c, nil
}

// matches compares the checksum S3 reported with the local one. S3 may write a composite checksum with
// or without its "-<parts>" suffix (HeadObject adds it, GetObjectAttributes does not); when present, the
// part count must match too.
func (c Checksum) matches(remote Checksum) bool {
	if c.Value != remote.Value {
		return false
	}
	return remote.Parts == 0 || remote.Parts == c.Parts
}
