package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generate writes a data set into memory and returns the three files.
func generate(t testing.TB, o Options) (patients, params, timeseries []byte) {
	t.Helper()
	var p, pp, ts bytes.Buffer
	_, err := Write(o, &p, &pp, &ts)
	require.NoError(t, err)
	return p.Bytes(), pp.Bytes(), ts.Bytes()
}

func TestTheSameSeedGivesTheSameBytes(t *testing.T) {
	o := Options{Patients: 30, Visits: 2000, Seed: 7}
	p1, pp1, ts1 := generate(t, o)
	p2, pp2, ts2 := generate(t, o)
	assert.Equal(t, p1, p2)
	assert.Equal(t, pp1, pp2)
	assert.Equal(t, ts1, ts2)
}

func TestDifferentSeedsGiveDifferentData(t *testing.T) {
	p1, pp1, ts1 := generate(t, Options{Patients: 30, Visits: 2000, Seed: 7})
	p2, pp2, ts2 := generate(t, Options{Patients: 30, Visits: 2000, Seed: 8})
	assert.NotEqual(t, p1, p2, "heights differ")
	assert.NotEqual(t, pp1, pp2)
	assert.NotEqual(t, ts1, ts2)
}

// The default data set is pinned, so that a change to the generator (or to Go's PCG) cannot pass unseen:
// researchers compare results across runs of the same seed.
func TestTheDefaultDataSetIsPinned(t *testing.T) {
	p, pp, ts := generate(t, DefaultOptions())
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	assert.Equal(t, "Bigboote,John,1920-08-26 08:30:12,\"(5, 3)\",0", string(bytes.Split(p, []byte("\n"))[1]))
	assert.Equal(t, "1938-10-30 00:00:00,38,138,70,11,48,97.46589844808213,98.48954255071472,178,22.246044444444443,0,22.53179689616426,0,0,22.53179689616426,0",
		string(bytes.Split(ts, []byte("\n"))[1]))
	assert.Equal(t, pinnedPatients, sum(p), "patients.csv")
	assert.Equal(t, pinnedParams, sum(pp), "patientParameters.csv")
	assert.Equal(t, pinnedTimeseries, sum(ts), "timeseries.csv")
}

// readCSV parses a file as CSV, checks its header and returns the data rows.
func readCSV(t *testing.T, data []byte, header []string) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	rows, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	require.Equal(t, header, rows[0])
	return rows[1:]
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err, s)
	return n
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, s)
	return f
}

func between[T int | float64](t *testing.T, name string, v, lo, hi T) {
	t.Helper()
	if v < lo || v > hi {
		t.Errorf("%s = %v, want within [%v, %v]", name, v, lo, hi)
	}
}

func TestTheDefaultDataSetHasTheSeedsShapeAndDocumentedRanges(t *testing.T) {
	p, pp, ts := generate(t, DefaultOptions())
	patients := readCSV(t, p, PatientsHeader())
	params := readCSV(t, pp, ParamsHeader())
	visits := readCSV(t, ts, TimeseriesHeader())
	require.Len(t, patients, 100)
	require.Len(t, params, 100)
	require.Len(t, visits, 10_000)

	heights := map[int][2]int{}
	names := map[string]bool{}
	for i, row := range patients {
		assert.Equal(t, "John", row[1])
		assert.Equal(t, "1920-08-26 08:30:12", row[2])
		assert.Equal(t, strconv.Itoa(i), row[4])
		assert.False(t, names[row[0]], "surname %s is unique", row[0])
		names[row[0]] = true
		var ft, in int
		_, err := fmt.Sscanf(row[3], "(%d, %d)", &ft, &in)
		require.NoError(t, err, row[3])
		between(t, "height inches", ft*12+in, 61, 77)
		between(t, "inches part", in, 0, 11)
		heights[i] = [2]int{ft, in}
	}
	assert.Equal(t, namedPatients(), func() []string {
		var out []string
		for _, row := range patients[:12] {
			out = append(out, row[0])
		}
		return out
	}())

	for _, row := range params {
		bt0, bt1 := atof(t, row[11]), atof(t, row[12])
		between(t, "BT0", bt0, BTMin, BTMax)
		between(t, "BT1", bt1, bt0, BTMax)
		between(t, "S1", atoi(t, row[2]), SysMin+4, SysMax+20)
	}

	var (
		prev              time.Time
		dkCount, baseEOne int
		sums              = map[int][3]float64{}
	)
	for i, row := range visits {
		date, err := time.Parse(DateLayout, row[0])
		require.NoError(t, err)
		if i == 0 {
			assert.Equal(t, StudyStart(), date)
		} else {
			gap := date.Sub(prev)
			assert.True(t, gap == 24*time.Hour || gap == 48*time.Hour, "visit %d comes %v after the previous one", i, gap)
		}
		prev = date
		id := atoi(t, row[1])
		between(t, "ID", id, 0, 99)
		sys, dia := atoi(t, row[2]), atoi(t, row[3])
		between(t, "systolic", sys, 90, 149)
		between(t, "diastolic", dia, 60, 94)
		between(t, "pulse pressure", sys-dia, 4, 149)
		between(t, "respiration rate", atoi(t, row[4]), 10, 28)
		between(t, "heart rate", atoi(t, row[5]), 40, 120)
		between(t, "oxygen saturation", atof(t, row[6]), OSMin, OSCap)
		temp := atof(t, row[7])
		between(t, "temperature", temp, BTMin, BTMax)
		weight := atoi(t, row[8])
		between(t, "weight", weight, 98, 320)
		h := heights[id]
		assert.InDelta(t, BMI(h[0], h[1], weight), atof(t, row[9]), 1e-9)
		between(t, "BMI", atof(t, row[9]), 11.6, 60.5)
		between(t, "TPain", atof(t, row[11]), 9.4, 44.4)
		dk := atoi(t, row[12])
		wantDK := 0
		if weight < 150 && temp < 97.4 {
			wantDK = 1
		}
		assert.Equal(t, wantDK, dk, "DK follows weight and temperature (visit %d)", i)
		dkCount += dk
		baseEOne += atoi(t, row[10])
		s := sums[id]
		s[0] += float64(atoi(t, row[10]))
		s[1] += atof(t, row[11])
		s[2] += float64(dk)
		sums[id] = s
		assert.Equal(t, int(s[0]), atoi(t, row[13]), "sum BaseE")
		assert.InDelta(t, s[1], atof(t, row[14]), 1e-6, "sum TPain")
		assert.Equal(t, int(s[2]), atoi(t, row[15]), "sum DK")
	}
	days := prev.Sub(StudyStart()).Hours() / 24
	between(t, "study length in days", days, 14_700, 15_300)
	assert.Equal(t, 1979, prev.Year(), "about 41 years")
	assert.Positive(t, dkCount, "with the temperature fix, DK is sometimes 1")
	assert.Positive(t, baseEOne, "BaseE is sometimes 1")

	for _, row := range params {
		s := sums[atoi(t, row[0])]
		assert.Equal(t, int(s[0]), atoi(t, row[15]), "SUMB is the last running sum")
		assert.InDelta(t, s[1], atof(t, row[16]), 1e-6, "SUMT")
		assert.Equal(t, int(s[2]), atoi(t, row[17]), "SUMDK")
	}
}

func TestEveryVisitStaysInsideItsPatientsRange(t *testing.T) {
	g, err := New(Options{Patients: 500, Visits: 50_000, Seed: 99})
	require.NoError(t, err)
	for {
		v, ok := g.Next()
		if !ok {
			break
		}
		p := g.Params[v.ID]
		between(t, "systolic", v.Systolic, p.S0, p.S1)
		if v.Diastolic != v.Systolic-4 {
			between(t, "diastolic", v.Diastolic, p.D0, p.D1)
		}
		between(t, "respiration", v.RespirationRate, p.RR0, p.RR1)
		between(t, "heart rate", v.HeartRate, p.HR0, p.HR1)
		between(t, "temperature", v.Temperature, p.BT0, p.BT1)
		between(t, "weight", v.Weight, p.M0, p.M1)
		between(t, "oxygen", v.OxygenSaturation, p.OS0, min(p.OS1, OSCap))
	}
	assert.Len(t, g.Patients, 500)
}

func TestPatientsFewerThanTheNamedOnesKeepTheFirstNames(t *testing.T) {
	g, err := New(Options{Patients: 3, Visits: 10, Seed: 1})
	require.NoError(t, err)
	require.Len(t, g.Patients, 3)
	assert.Equal(t, []string{"Bigboote", "Yaya", "Smallberries"}, []string{g.Patients[0].Surname, g.Patients[1].Surname, g.Patients[2].Surname})
}

func TestRandomSurnamesAreUniqueAtScale(t *testing.T) {
	g, err := New(Options{Patients: 20_000, Visits: 0, Seed: 3})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, p := range g.Patients {
		require.False(t, seen[p.Surname], p.Surname)
		seen[p.Surname] = true
	}
}

func TestTheHeightConversionReturnsFeetAndInches(t *testing.T) {
	tests := []struct {
		cm, ft, in int
	}{
		{100, 5, 8}, // the seed's fallback under 127 cm, now a pair rather than the set {5,8}
		{126, 5, 8},
		{127, 4, 2},
		{157, 5, 1},
		{173, 5, 8},
		{183, 6, 0},
		{198, 6, 5},
	}
	for _, tt := range tests {
		ft, in := cmToFtIn(tt.cm)
		assert.Equal(t, [2]int{tt.ft, tt.in}, [2]int{ft, in}, "%d cm", tt.cm)
	}
	assert.Equal(t, 154, ftInToCM(5, 1))
	assert.Equal(t, 195, ftInToCM(6, 5))
}

func TestTheModels(t *testing.T) {
	assert.Equal(t, 1, ModelDK(149, 97.39), "light and cool")
	assert.Equal(t, 0, ModelDK(150, 97.0), "150 lb is not under 150")
	assert.Equal(t, 0, ModelDK(120, 97.4))
	assert.Equal(t, 1, ModelBaseE(60, 130, 90, 21.9))
	assert.Equal(t, 0, ModelBaseE(62, 130, 90, 21.9))
	assert.Equal(t, 0, ModelBaseE(60, 120, 90, 21.9), "pulse pressure 30 is not above 30")
	assert.Equal(t, 0, ModelBaseE(60, 130, 90, 22))
	assert.InDelta(t, 10.0+2*(97.5-95)+0.2*(172-157), ModelTPain(10, 97.5, 5, 8), 1e-12)
	assert.InDelta(t, 703.0*150/(68*68), BMI(5, 8, 150), 1e-12)
}

func TestTheSourceCoversItsRangeAndNoMore(t *testing.T) {
	s := newSource(1)
	counts := map[int]int{}
	for range 10_000 {
		counts[s.intIn(3, 7)]++
	}
	assert.Len(t, counts, 5)
	for v, n := range counts {
		between(t, "value", v, 3, 7)
		between(t, "count", n, 1800, 2200)
	}
	for range 10_000 {
		f := s.uniform(2, 3)
		between(t, "uniform", f, 2, 3)
		assert.NotEqual(t, 3.0, f)
	}
	assert.Equal(t, 4, s.intIn(4, 4))
}

func TestOptionsOutOfRangeAreRefusedNamingTheFlag(t *testing.T) {
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Patients: 0, Visits: 1}, "--patients 0: want 1 to 100000"},
		{Options{Patients: MaxPatients + 1, Visits: 1}, "--patients 100001"},
		{Options{Patients: 1, Visits: -1}, "--visits -1: want 0 to 1000000"},
		{Options{Patients: 1, Visits: MaxVisits + 1}, "--visits 1000001"},
	}
	for _, tt := range tests {
		_, err := New(tt.o)
		assert.ErrorContains(t, err, tt.want)
		_, err = WriteDir(tt.o, t.TempDir())
		assert.ErrorContains(t, err, tt.want)
	}
}

func TestWriteDirWritesTheThreeFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	sum, err := WriteDir(Options{Patients: 5, Visits: 20, Seed: 1}, dir)
	require.NoError(t, err)
	assert.Equal(t, 5, sum.Patients)
	assert.Equal(t, 20, sum.Visits)
	assert.Equal(t, StudyStart(), sum.FirstVisit)
	assert.True(t, sum.LastVisit.After(sum.FirstVisit))
	assert.Equal(t, []string{filepath.Join(dir, PatientsFile), filepath.Join(dir, TimeseriesFile), filepath.Join(dir, ParamsFile)}, sum.Files)
	p, pp, ts := generate(t, Options{Patients: 5, Visits: 20, Seed: 1})
	for path, want := range map[string][]byte{PatientsFile: p, ParamsFile: pp, TimeseriesFile: ts} {
		got, err := os.ReadFile(filepath.Join(dir, path))
		require.NoError(t, err)
		assert.Equal(t, want, got, path)
		assert.NotContains(t, string(got), "\r", "lines end in \\n")
	}
}

func TestZeroVisitsWriteOnlyTheHeader(t *testing.T) {
	_, _, ts := generate(t, Options{Patients: 1, Visits: 0, Seed: 1})
	assert.Equal(t, "date,ID,systol,diastol,resp.rate,heart rate,OSat,temp,weight,BMI,BaseE,TPain,DK,sum BaseE,sum TPain,sum DK\n", string(ts))
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestAWriteErrorNamesTheFile(t *testing.T) {
	_, err := Write(DefaultOptions(), io.Discard, io.Discard, failingWriter{})
	assert.ErrorContains(t, err, "write timeseries.csv")
	assert.ErrorIs(t, err, io.ErrShortWrite)
}

func BenchmarkGenerateAMillionVisits(b *testing.B) {
	o := Options{Patients: DefaultPatients, Visits: 1_000_000, Seed: DefaultSeed}
	for b.Loop() {
		if _, err := Write(o, io.Discard, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// The SHA-256 of the default data set's files.
const (
	pinnedPatients   = "1d3b4efb1405dda14a8fa9ff130614edbbd9855afd587d3b59563b695c4c5201"
	pinnedParams     = "d383cd219167e3ebcf7ac4adb47e91ab79d1fd82eb8089fa04d55f28b84fdd82"
	pinnedTimeseries = "500bf59f2cebf282b04b482ba64a6c8d32749ea0f090311735745f9c17a25bf8"
)
