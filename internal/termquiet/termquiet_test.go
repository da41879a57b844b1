package termquiet

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInitSilencedTheTerminalAndRestorePutsItBack: by the time a test runs, init has set TERM=dumb;
// Restore gives the started-with value back, or removes TERM when there was none.
func TestInitSilencedTheTerminalAndRestorePutsItBack(t *testing.T) {
	old := saved
	t.Cleanup(func() { saved = old; require.NoError(t, Restore()) })

	saved.value, saved.set = "xterm-256color", true
	require.NoError(t, os.Setenv("TERM", dumb))
	require.NoError(t, Restore())
	assert.Equal(t, "xterm-256color", os.Getenv("TERM"))

	saved.value, saved.set = "", false
	require.NoError(t, os.Setenv("TERM", dumb))
	require.NoError(t, Restore())
	_, present := os.LookupEnv("TERM")
	assert.False(t, present)
}
