package addrspace

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBlocksThatNoInternetPacketComesFromAreNamed(t *testing.T) {
	cases := []struct {
		block, want string
	}{
		{"10.0.0.0/8", "RFC 1918"},
		{"192.168.1.0/24", "RFC 1918"},
		{"172.16.0.0/12", "RFC 1918"},
		{"172.31.255.0/24", "RFC 1918"},
		{"100.64.0.0/10", "RFC 6598"},
		{"100.127.0.1/32", "RFC 6598"},
		{"169.254.169.254/32", "RFC 3927"},
		{"127.0.0.1/32", "RFC 1122"},
		{"0.0.0.0/8", "RFC 791"},
		{"198.18.0.0/16", "RFC 2544"},
		{"240.0.0.0/8", "RFC 1112"},
		{"224.0.0.1/32", "RFC 5771"},
	}
	for _, c := range cases {
		r, ok := Unroutable(netip.MustParsePrefix(c.block))
		if assert.True(t, ok, c.block) {
			assert.Equal(t, c.want, r.RFC, c.block)
		}
	}
}

func TestPublicDocumentationAndWiderBlocksAreNotNamed(t *testing.T) {
	for _, b := range []string{"0.0.0.0/0", "8.8.8.0/24", "172.32.0.0/16", "100.128.0.0/16", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "10.0.0.0/7", "::/0"} {
		_, ok := Unroutable(netip.MustParsePrefix(b))
		assert.False(t, ok, b)
	}
}
