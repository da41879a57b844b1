package synth

import (
	"math/bits"
	"math/rand/v2"
)

// pcgStream is the second PCG seed word. It is fixed so that --seed alone decides the data.
const pcgStream = 0x5ce0_5eed

// source draws the generator's numbers from a PCG source seeded explicitly (never the global generator).
// The reductions to a range are written here rather than taken from rand.Rand, whose methods Go does not
// promise to keep stable across releases; the PCG algorithm itself is specified. So a seed gives the same
// bytes with every Go release.
type source struct {
	pcg *rand.PCG
}

func newSource(seed uint64) *source {
	return &source{pcg: rand.NewPCG(seed, pcgStream)}
}

// intIn returns a uniform integer in [a, b], both included, like Python's random.randint(a, b). It uses
// Lemire's multiply-and-shift reduction with rejection, so no value is favoured.
func (s *source) intIn(a, b int) int {
	n := uint64(b - a + 1)
	hi, lo := bits.Mul64(s.pcg.Uint64(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(s.pcg.Uint64(), n)
		}
	}
	return a + int(hi)
}

// float returns a uniform float64 in [0, 1) with 53 random bits.
func (s *source) float() float64 {
	return float64(s.pcg.Uint64()>>11) * (1.0 / (1 << 53))
}

// uniform returns a + (b-a)*u for a uniform u in [0, 1), like Python's random.uniform(a, b).
func (s *source) uniform(a, b float64) float64 {
	return a + (b-a)*s.float()
}
