package synth

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The file names, as in the seed.
const (
	PatientsFile   = "patients.csv"
	ParamsFile     = "patientParameters.csv"
	TimeseriesFile = "timeseries.csv"
)

// PatientsHeader returns the header row of patients.csv, as in the seed.
func PatientsHeader() []string { return []string{"Surname", "Given name", "DOB", "height", "ID"} }

// ParamsHeader returns the header row of patientParameters.csv, as in the seed.
func ParamsHeader() []string {
	return []string{"ID", "S0", "S1", "D0", "D1", "RR0", "RR1", "HR0", "HR1", "OS0", "OS1", "BT0", "BT1", "M0", "M1", "SUMB", "SUMT", "SUMDK"}
}

// TimeseriesHeader returns the header row of timeseries.csv, as in the seed.
func TimeseriesHeader() []string {
	return []string{"date", "ID", "systol", "diastol", "resp.rate", "heart rate", "OSat", "temp", "weight", "BMI", "BaseE", "TPain", "DK", "sum BaseE", "sum TPain", "sum DK"}
}

// DateLayout is how dates are written: Python's str() of a datetime.
const DateLayout = "2006-01-02 15:04:05"

// Summary says what was written.
type Summary struct {
	Patients   int
	Visits     int
	FirstVisit time.Time // zero when there are no visits
	LastVisit  time.Time
	Files      []string // the paths written, in the order written (WriteDir only)
}

// Write generates the data set and writes the three CSV files to the given writers: patients, then the
// time series, then the patient parameters (last, because they carry the running sums).
func Write(o Options, patients, params, timeseries io.Writer) (Summary, error) {
	g, err := New(o)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Patients: len(g.Patients)}
	if err := writePatients(patients, g.Patients); err != nil {
		return sum, fmt.Errorf("write %s: %w", PatientsFile, err)
	}
	if err := writeVisits(timeseries, g, &sum); err != nil {
		return sum, fmt.Errorf("write %s: %w", TimeseriesFile, err)
	}
	if err := writeParams(params, g.Params); err != nil {
		return sum, fmt.Errorf("write %s: %w", ParamsFile, err)
	}
	return sum, nil
}

// WriteDir creates dir if needed and writes patients.csv, patientParameters.csv and timeseries.csv into
// it, replacing files of those names.
func WriteDir(o Options, dir string) (sum Summary, err error) {
	if err := o.Validate(); err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Summary{}, fmt.Errorf("create output directory: %w", err)
	}
	paths := []string{filepath.Join(dir, PatientsFile), filepath.Join(dir, ParamsFile), filepath.Join(dir, TimeseriesFile)}
	files := make([]*os.File, 0, len(paths))
	defer func() {
		for _, f := range files {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close %s: %w", f.Name(), cerr)
			}
		}
	}()
	for _, p := range paths {
		f, err := os.Create(p)
		if err != nil {
			return Summary{}, fmt.Errorf("create output file: %w", err)
		}
		files = append(files, f)
	}
	sum, err = Write(o, files[0], files[1], files[2])
	if err != nil {
		return sum, err
	}
	sum.Files = []string{paths[0], paths[2], paths[1]}
	return sum, nil
}

// row builds one CSV line in a reusable buffer.
type row struct {
	b []byte
}

func (r *row) sep() {
	if len(r.b) > 0 {
		r.b = append(r.b, ',')
	}
}

// str appends a field, quoted as Python's csv module quotes with QUOTE_MINIMAL.
func (r *row) str(s string) {
	r.sep()
	if !strings.ContainsAny(s, ",\"\r\n") {
		r.b = append(r.b, s...)
		return
	}
	r.b = append(r.b, '"')
	r.b = append(r.b, strings.ReplaceAll(s, `"`, `""`)...)
	r.b = append(r.b, '"')
}

func (r *row) int(n int) {
	r.sep()
	r.b = strconv.AppendInt(r.b, int64(n), 10)
}

// float appends the shortest decimal that reads back as f, like Python's repr.
func (r *row) float(f float64) {
	r.sep()
	r.b = strconv.AppendFloat(r.b, f, 'f', -1, 64)
}

func (r *row) date(t time.Time) {
	r.sep()
	r.b = t.AppendFormat(r.b, DateLayout)
}

// flush writes the line and empties the buffer.
func (r *row) flush(w io.Writer) error {
	r.b = append(r.b, '\n')
	_, err := w.Write(r.b)
	r.b = r.b[:0]
	return err
}

func writeHeader(w io.Writer, header []string) error {
	var r row
	for _, h := range header {
		r.str(h)
	}
	return r.flush(w)
}

// HeightString writes a height as the seed's tuple does: "(5, 8)".
func HeightString(ft, in int) string {
	return fmt.Sprintf("(%d, %d)", ft, in)
}

func writePatients(w io.Writer, ps []Patient) error {
	bw := bufio.NewWriter(w)
	if err := writeHeader(bw, PatientsHeader()); err != nil {
		return err
	}
	var r row
	for _, p := range ps {
		r.str(p.Surname)
		r.str(p.GivenName)
		r.date(p.DOB)
		r.str(HeightString(p.HeightFt, p.HeightIn))
		r.int(p.ID)
		if err := r.flush(bw); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeParams(w io.Writer, ps []Params) error {
	bw := bufio.NewWriter(w)
	if err := writeHeader(bw, ParamsHeader()); err != nil {
		return err
	}
	var r row
	for _, p := range ps {
		for _, n := range []int{p.ID, p.S0, p.S1, p.D0, p.D1, p.RR0, p.RR1, p.HR0, p.HR1} {
			r.int(n)
		}
		for _, f := range []float64{p.OS0, p.OS1, p.BT0, p.BT1} {
			r.float(f)
		}
		r.int(p.M0)
		r.int(p.M1)
		r.int(p.SumBaseE)
		r.float(p.SumTPain)
		r.int(p.SumDK)
		if err := r.flush(bw); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeVisits(w io.Writer, g *Generator, sum *Summary) error {
	bw := bufio.NewWriterSize(w, 1<<18)
	if err := writeHeader(bw, TimeseriesHeader()); err != nil {
		return err
	}
	r := row{b: make([]byte, 0, 256)}
	for {
		v, ok := g.Next()
		if !ok {
			break
		}
		if sum.Visits == 0 {
			sum.FirstVisit = v.Date
		}
		sum.LastVisit = v.Date
		sum.Visits++
		r.date(v.Date)
		r.int(v.ID)
		r.int(v.Systolic)
		r.int(v.Diastolic)
		r.int(v.RespirationRate)
		r.int(v.HeartRate)
		r.float(v.OxygenSaturation)
		r.float(v.Temperature)
		r.int(v.Weight)
		r.float(v.BMI)
		r.int(v.BaseE)
		r.float(v.TPain)
		r.int(v.DK)
		r.int(v.SumBaseE)
		r.float(v.SumTPain)
		r.int(v.SumDK)
		if err := r.flush(bw); err != nil {
			return err
		}
	}
	return bw.Flush()
}
