// Package synth generates the seed's proof-of-concept A data set: imaginary patients, all named John,
// who appeared in a small town with one doctor on 30 October 1938. Every day or two one of them, at
// random, visits the doctor, who records blood pressure, respiration rate, heart rate, blood oxygen
// saturation, body temperature and weight, and three made-up "diagnostic observations" (BaseE, TPain and
// DK) computed from the vitals. The defaults, 100 patients and 10,000 visits, span about 41 years.
//
// It is a port of the seed document's Python generator (Part 2B) with its bugs fixed:
//
//  1. The height conversion (cmtoftin) returned a set, {5,8}, for heights under 127 cm instead of a
//     (feet, inches) tuple: a set has no order and indexing it fails. Here it returns 5 ft 8 in. (No
//     drawn height is that short: heights are drawn from 157 to 198 cm.)
//  2. The per-patient body-temperature range was drawn from the systolic range (bt0 = randint(sysMin,
//     sysMax), 90 to 129, plus 3 to 20 "degrees"), so temperatures ran from 90 to 149 °F and, with bug 3,
//     DK fired whenever one fell under 97.4. Here each patient's range is drawn inside the documented 97.0
//     to 99.1 °F (see the constants).
//  3. The DK model was fed the BMI instead of the weight (ModelDK(thisBMI, thisBT), while ModelDK tests
//     weight < 150 lb; a BMI is always under 150, so that test always passed). Here it is fed the weight.
//  4. The CSV files were opened with Python 2's 'wb' mode, which Python 3's csv module refuses (it needs
//     text mode with newline=""). Here the files are written as UTF-8 text with "\n" line endings (the
//     seed's 'excel' dialect wrote "\r\n"); fields are quoted as the csv module quotes them.
//  5. The check that a random surname is not already taken compared the name with the patient rows
//     (lists), so it never found a duplicate. Here surnames are unique.
//
// Everything else follows the seed: the columns and their order, the DOB every patient gives (26 August
// 1920, 08:30:12), the order in which numbers are drawn, the clamp of oxygen saturation at 99.4, the
// correction of a diastolic pressure within 3 mmHg of the systolic, the height written as "(feet,
// inches)" and converted back to centimetres (truncating) for TPain.
//
// The numbers come from a PCG source (math/rand/v2) seeded explicitly with --seed (default 31415, the
// seed's), so a seed always gives the same bytes; the values are not those of the Python program, whose
// generator differs.
package synth

import (
	"fmt"
	"time"
)

// Defaults and limits of the options.
const (
	DefaultPatients = 100
	DefaultVisits   = 10_000
	DefaultSeed     = 31415
	// MaxPatients bounds the patients; random surnames (one capital and three small letters) allow
	// 456,976 more than the twelve named ones.
	MaxPatients = 100_000
	// MaxVisits bounds the visits: a million visits, one or two days apart, already span about 4,100
	// years (dates stay within year 9999).
	MaxVisits = 1_000_000
)

// The vital-sign ranges. Each patient gets a range [x0, x1] with x0 drawn from [Min, Max] and x1 = x0
// plus a spread; each visit draws inside the patient's range. The resulting bounds of a visit's value are
// given with each.
const (
	SysMin = 90 // systolic, mmHg; a visit's value lies in [90, 149]
	SysMax = 129
	DiaMin = 60 // diastolic, mmHg; a visit's value lies in [60, 94] and is at least 4 below the systolic
	DiaMax = 84
	RRMin  = 10 // respiration rate, breaths per minute; a visit's value lies in [10, 28]
	RRMax  = 20
	HRMin  = 40 // heart rate, beats per minute; a visit's value lies in [40, 120]
	HRMax  = 100
	MMin   = 98 // weight, pounds; a visit's value lies in [98, 320]
	MMax   = 280

	OSMin = 95.0 // oxygen saturation, %; a visit's value lies in [95.0, OSCap]
	OSMax = 99.0
	OSCap = 99.4 // the seed's clamp
	BTMin = 97.0 // body temperature, °F; a visit's value lies in [97.0, 99.1)
	BTMax = 99.1

	HeightMinCM = 157 // heights drawn, cm: 5 ft 1 in to 6 ft 5 in once truncated to whole inches
	HeightMaxCM = 198
)

// Body-temperature spread of one patient: bt0 in [BTMin, BTMax-btSpreadMax), bt1 = bt0 + [btSpreadMin,
// btSpreadMax), so that bt1 stays below BTMax.
const (
	btSpreadMin = 0.2
	btSpreadMax = 0.5
)

// studyStart is the first visit: the morning of 30 October 1938.
var studyStart = time.Date(1938, time.October, 30, 0, 0, 0, 0, time.UTC)

// bornDay is the date of birth every patient gives.
var bornDay = time.Date(1920, time.August, 26, 8, 30, 12, 0, time.UTC)

// StudyStart returns the date of the first visit, 1938-10-30 00:00:00.
func StudyStart() time.Time { return studyStart }

// BornDay returns the date of birth every patient gives, 1920-08-26 08:30:12.
func BornDay() time.Time { return bornDay }

// namedPatients returns the seed's first twelve surnames.
func namedPatients() []string {
	return []string{"Bigboote", "Yaya", "Smallberries", "Parker", "Whorfin", "Valuk", "Gomez",
		"OConnor", "Emdall", "Gant", "Manyjars", "Milton"}
}

// Options choose the size of the data set and its seed.
type Options struct {
	// Patients is the number of patients, 1 to MaxPatients; default DefaultPatients.
	Patients int
	// Visits is the number of visits (rows of the time series), 0 to MaxVisits; default DefaultVisits.
	Visits int
	// Seed seeds the PCG source; default DefaultSeed.
	Seed uint64
}

// DefaultOptions returns the seed's data set: 100 patients, 10,000 visits, seed 31415.
func DefaultOptions() Options {
	return Options{Patients: DefaultPatients, Visits: DefaultVisits, Seed: DefaultSeed}
}

// Validate reports options out of range, naming the flag, the value and the accepted range.
func (o Options) Validate() error {
	if o.Patients < 1 || o.Patients > MaxPatients {
		return fmt.Errorf("--patients %d: want 1 to %d", o.Patients, MaxPatients)
	}
	if o.Visits < 0 || o.Visits > MaxVisits {
		return fmt.Errorf("--visits %d: want 0 to %d", o.Visits, MaxVisits)
	}
	return nil
}

// Patient is one row of patients.csv.
type Patient struct {
	Surname   string
	GivenName string
	DOB       time.Time
	HeightFt  int
	HeightIn  int
	ID        int
}

// Params is one row of patientParameters.csv: the patient's vital-sign ranges and the running sums of
// the three observations.
type Params struct {
	ID                 int
	S0, S1, D0, D1     int
	RR0, RR1, HR0, HR1 int
	OS0, OS1, BT0, BT1 float64
	M0, M1             int
	SumBaseE           int
	SumTPain           float64
	SumDK              int
}

// Visit is one row of timeseries.csv.
type Visit struct {
	Date             time.Time
	ID               int
	Systolic         int
	Diastolic        int
	RespirationRate  int
	HeartRate        int
	OxygenSaturation float64
	Temperature      float64
	Weight           int
	BMI              float64
	BaseE, DK        int
	TPain            float64
	SumBaseE, SumDK  int
	SumTPain         float64
}

// Generator draws the data set. Patients and Params are drawn by New; Next draws the visits one by one,
// updating the running sums in Params.
type Generator struct {
	Patients []Patient
	Params   []Params

	src     *source
	visits  int
	emitted int
	date    time.Time
}

// New draws the patients and their parameters.
func New(o Options) (*Generator, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{src: newSource(o.Seed), visits: o.Visits, date: studyStart}
	g.drawPatients(o.Patients)
	g.drawParams()
	return g, nil
}

func (g *Generator) drawPatients(n int) {
	taken := make(map[string]bool, n)
	named := namedPatients()
	for i := 0; i < n; i++ {
		var name string
		if i < len(named) {
			name = named[i]
		} else {
			for name == "" || taken[name] {
				name = g.randLastName()
			}
		}
		taken[name] = true
		ft, in := cmToFtIn(g.src.intIn(HeightMinCM, HeightMaxCM))
		g.Patients = append(g.Patients, Patient{Surname: name, GivenName: "John", DOB: bornDay, HeightFt: ft, HeightIn: in, ID: i})
	}
}

// The alphabets randLastName draws from, in order: index i is 'A'+i and 'a'+i.
const (
	upperLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerLetters = "abcdefghijklmnopqrstuvwxyz"
)

// randLastName draws one capital letter and three small ones.
func (g *Generator) randLastName() string {
	b := []byte{upperLetters[g.src.intIn(0, 25)], 0, 0, 0}
	for i := 1; i < 4; i++ {
		b[i] = lowerLetters[g.src.intIn(0, 25)]
	}
	return string(b)
}

func (g *Generator) drawParams() {
	r := g.src
	for i := range g.Patients {
		p := Params{ID: i}
		p.S0 = r.intIn(SysMin, SysMax)
		p.S1 = p.S0 + r.intIn(4, 20)
		p.D0 = r.intIn(DiaMin, DiaMax)
		p.D1 = p.D0 + r.intIn(4, 10)
		p.RR0 = r.intIn(RRMin, RRMax)
		p.RR1 = p.RR0 + r.intIn(2, 8)
		p.HR0 = r.intIn(HRMin, HRMax)
		p.HR1 = p.HR0 + r.intIn(10, 20)
		p.OS0 = r.uniform(OSMin, OSMax)
		p.OS1 = p.OS0 + r.uniform(1.0, 2.0)
		p.BT0 = r.uniform(BTMin, BTMax-btSpreadMax) // fixed: the seed drew this from the systolic range
		p.BT1 = p.BT0 + r.uniform(btSpreadMin, btSpreadMax)
		p.M0 = r.intIn(MMin, MMax)
		p.M1 = p.M0 + r.intIn(3, 40)
		g.Params = append(g.Params, p)
	}
}

// Next draws the next visit; ok is false once all visits are drawn.
func (g *Generator) Next() (v Visit, ok bool) {
	if g.emitted >= g.visits {
		return Visit{}, false
	}
	r := g.src
	id := r.intIn(0, len(g.Patients)-1)
	p := &g.Params[id]
	pt := g.Patients[id]

	v = Visit{Date: g.date, ID: id}
	v.Systolic = r.intIn(p.S0, p.S1)
	v.Diastolic = r.intIn(p.D0, p.D1)
	if v.Diastolic >= v.Systolic-3 {
		v.Diastolic = v.Systolic - 4
	}
	v.RespirationRate = r.intIn(p.RR0, p.RR1)
	v.HeartRate = r.intIn(p.HR0, p.HR1)
	v.OxygenSaturation = min(r.uniform(p.OS0, p.OS1), OSCap)
	v.Temperature = r.uniform(p.BT0, p.BT1)
	v.Weight = r.intIn(p.M0, p.M1)
	v.BMI = BMI(pt.HeightFt, pt.HeightIn, v.Weight)

	v.BaseE = ModelBaseE(v.HeartRate, v.Systolic, v.Diastolic, v.BMI)
	v.TPain = ModelTPain(v.RespirationRate, v.OxygenSaturation, pt.HeightFt, pt.HeightIn)
	v.DK = ModelDK(v.Weight, v.Temperature) // fixed: the seed passed the BMI

	p.SumBaseE += v.BaseE
	p.SumTPain += v.TPain
	p.SumDK += v.DK
	v.SumBaseE, v.SumTPain, v.SumDK = p.SumBaseE, p.SumTPain, p.SumDK

	g.date = g.date.AddDate(0, 0, r.intIn(1, 2))
	g.emitted++
	return v, true
}

// cmToFtIn converts centimetres to whole feet and inches, truncating; under 127 cm (50 in) it returns
// 5 ft 8 in, as the seed meant to (it returned the set {5,8}).
func cmToFtIn(cm int) (ft, in int) {
	if float64(cm) < 50*2.54 {
		return 5, 8
	}
	inches := float64(cm) / 2.54
	ft = int(inches / 12)
	return ft, int(inches - 12*float64(ft))
}

// ftInToCM converts feet and inches to whole centimetres, truncating.
func ftInToCM(ft, in int) int {
	return int(float64(ft*12+in) * 2.54)
}

// BMI is the body-mass index from height in feet and inches and weight in pounds: 703 m / h².
func BMI(ft, in, pounds int) float64 {
	h := float64(ft*12 + in)
	return 703.0 * float64(pounds) / (h * h)
}

// ModelBaseE is 1 when the heart rate is between 58 and 62 (exclusive), the pulse pressure above 30 and
// the BMI under 22, else 0.
func ModelBaseE(hr, sys, dia int, bmi float64) int {
	if hr > 58 && hr < 62 && sys-dia > 30 && bmi < 22 {
		return 1
	}
	return 0
}

// ModelTPain is rr + 2 (os - 95) + 0.2 (height in cm - 157).
func ModelTPain(rr int, os float64, ft, in int) float64 {
	return float64(rr) + 2.0*(os-95.0) + 0.2*float64(ftInToCM(ft, in)-157)
}

// ModelDK is 1 when the weight is under 150 lb and the temperature under 97.4 °F, else 0.
func ModelDK(weight int, bt float64) int {
	if weight < 150 && bt < 97.4 {
		return 1
	}
	return 0
}
