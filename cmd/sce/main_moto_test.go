package main

import (
	"os"
	"testing"

	"github.com/sce-project/sce/internal/motoserver"
)

// moto is the emulator of this package's *_moto_test.go tests (nil without moto_server: they skip).
var moto *motoserver.Server

// TestMain runs the CLI when a pseudo-terminal test started this binary as sce (tty_test.go), else the
// tests, with the emulator.
func TestMain(m *testing.M) {
	runMainIfAsked()
	os.Exit(motoserver.Main(m, &moto))
}
