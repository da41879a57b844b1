package egress

import (
	"os"
	"testing"

	"github.com/sce-project/sce/internal/motoserver"
)

// moto is the emulator of this package's *_moto_test.go tests: the output bucket is moto's S3.
var moto *motoserver.Server

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m, &moto)) }
