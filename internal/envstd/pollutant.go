package envstd

// Pollutant is a small integer so that table lookups on the ingest path are
// integer compares; it marshals as its code ("pm2_5").
type Pollutant uint8

const (
	PM25 Pollutant = iota + 1
	PM10
	SO2
	NO2
	CO
	O3
	TSP
	NOx
	Pb
	BaP
	numPollutants
)

var pollutantCodes = [numPollutants]string{"", "pm2_5", "pm10", "so2", "no2", "co", "o3", "tsp", "nox", "pb", "bap"}

// Code is the lower-case identifier used in JSON and on the command line.
func (p Pollutant) Code() string {
	if p >= numPollutants {
		return ""
	}
	return pollutantCodes[p]
}

func (p Pollutant) String() string { return p.Code() }

// ParsePollutant accepts a code (and the common spellings pm2.5, pm25).
func ParsePollutant(s string) (Pollutant, bool) {
	switch s {
	case "pm2.5", "pm25":
		return PM25, true
	}
	for i := PM25; i < numPollutants; i++ {
		if pollutantCodes[i] == s {
			return i, true
		}
	}
	return 0, false
}

func (p Pollutant) MarshalText() ([]byte, error) {
	if p == 0 || p >= numPollutants {
		return nil, errf("pollutant.unknown", "pollutant %d", p)
	}
	return []byte(p.Code()), nil
}

func (p *Pollutant) UnmarshalText(b []byte) error {
	v, ok := ParsePollutant(string(b))
	if !ok {
		return errf("pollutant.unknown", "unknown pollutant %q", b)
	}
	*p = v
	return nil
}

// Period is an averaging period (or a report period).
type Period uint8

const (
	Hour1 Period = iota + 1
	Hour8        // daily maximum 8-hour moving average (O3) or 8-hour mean (US CO/O3)
	Hour24
	Season // quarter (Pb)
	Year
	numPeriods
)

var periodCodes = [numPeriods]string{"", "1h", "8h", "24h", "season", "year"}

func (p Period) String() string {
	if p >= numPeriods {
		return ""
	}
	return periodCodes[p]
}

// ParsePeriod accepts "1h", "8h", "24h", "season", "year".
func ParsePeriod(s string) (Period, bool) {
	for i := Hour1; i < numPeriods; i++ {
		if periodCodes[i] == s {
			return i, true
		}
	}
	return 0, false
}

func (p Period) MarshalText() ([]byte, error) {
	if p == 0 || p >= numPeriods {
		return nil, errf("period.unknown", "period %d", p)
	}
	return []byte(p.String()), nil
}

func (p *Period) UnmarshalText(b []byte) error {
	v, ok := ParsePeriod(string(b))
	if !ok {
		return errf("period.unknown", "unknown averaging period %q", b)
	}
	*p = v
	return nil
}
