package envstd

// Seed data for the AQI standards, from reference/standards.md §3.1–3.2.
// Constructors return fresh values: there is no shared mutable table.

// cnIndex is the index axis of HJ 633 Table 1 (a func, so no shared slice).
func cnIndex() []int { return []int{0, 50, 100, 150, 200, 300, 400, 500} }

// column turns one column of HJ 633 Table 1 (concentrations at the index
// points) into touching segments.
func column(p Pollutant, avg Period, unit string, conc []float64, index []int) BreakpointTable {
	t := BreakpointTable{Pollutant: p, Averaging: avg, Unit: unit, Above: AboveCap}
	for i := 0; i+1 < len(conc); i++ {
		t.Segments = append(t.Segments, Segment{CLo: conc[i], CHi: conc[i+1], ILo: index[i], IHi: index[i+1]})
	}
	return t
}

func hj633Tables(pm10At100, pm25At100 float64) []BreakpointTable {
	const ug, mg = "µg/m³", "mg/m³"
	so2h := column(SO2, Hour1, ug, []float64{0, 150, 500, 650, 800}, cnIndex()[:5])
	so2h.Above, so2h.SubstituteWith = AboveSubstitute, Hour24
	so2h.Note = "SO2 1h > 800 µg/m³: no 1h sub-index; report the 24h-based one (Table 1 note 1) [K]"
	o38 := column(O3, Hour8, ug, []float64{0, 100, 160, 215, 265, 800}, cnIndex()[:6])
	o38.Above, o38.SubstituteWith = AboveSubstitute, Hour1
	o38.Note = "O3 8h > 800 µg/m³: no 8h sub-index; report the 1h-based one (Table 1 note 2) [K]"
	return []BreakpointTable{
		column(SO2, Hour24, ug, []float64{0, 50, 150, 475, 800, 1600, 2100, 2620}, cnIndex()),
		so2h,
		column(NO2, Hour24, ug, []float64{0, 40, 80, 180, 280, 565, 750, 940}, cnIndex()),
		column(NO2, Hour1, ug, []float64{0, 100, 200, 700, 1200, 2340, 3090, 3840}, cnIndex()),
		column(PM10, Hour24, ug, []float64{0, 50, pm10At100, 250, 350, 420, 500, 600}, cnIndex()),
		column(CO, Hour24, mg, []float64{0, 2, 4, 14, 24, 36, 48, 60}, cnIndex()),
		column(CO, Hour1, mg, []float64{0, 5, 10, 35, 60, 90, 120, 150}, cnIndex()),
		column(O3, Hour1, ug, []float64{0, 160, 200, 300, 400, 800, 1000, 1200}, cnIndex()),
		o38,
		column(PM25, Hour24, ug, []float64{0, 35, pm25At100, 115, 150, 250, 350, 500}, cnIndex()),
	}
}

// hj633Reports: 实时报 uses 1h means (PM read against the 24h column); 日报
// uses 24h means and the daily maximum O3 8h mean. The O3 8h item of the
// real-time report and the O3 1h item of the daily report follow the
// official §5 [K]; they are optional here.
func hj633Reports() []Report {
	return []Report{
		{Period: Hour1, Items: []ReportItem{
			{Key: "so2", Pollutant: SO2, Table: Hour1, Required: true},
			{Key: "no2", Pollutant: NO2, Table: Hour1, Required: true},
			{Key: "co", Pollutant: CO, Table: Hour1, Required: true},
			{Key: "o3_1h", Pollutant: O3, Table: Hour1, Required: true},
			{Key: "pm10", Pollutant: PM10, Table: Hour24, Required: true},
			{Key: "pm2_5", Pollutant: PM25, Table: Hour24, Required: true},
			{Key: "o3_8h", Pollutant: O3, Table: Hour8},
			{Key: "so2_24h", Pollutant: SO2, Table: Hour24, SubstituteOnly: true},
		}},
		{Period: Hour24, Items: []ReportItem{
			{Key: "so2", Pollutant: SO2, Table: Hour24, Required: true},
			{Key: "no2", Pollutant: NO2, Table: Hour24, Required: true},
			{Key: "co", Pollutant: CO, Table: Hour24, Required: true},
			{Key: "pm10", Pollutant: PM10, Table: Hour24, Required: true},
			{Key: "pm2_5", Pollutant: PM25, Table: Hour24, Required: true},
			{Key: "o3_8h", Pollutant: O3, Table: Hour8, Required: true},
			{Key: "o3_1h", Pollutant: O3, Table: Hour1},
		}},
	}
}

// hj633Levels: HJ 633 Table 2 and Table A.1 colours.
func hj633Levels() []Level {
	return []Level{
		{Max: 50, NameZh: "一级", NameEn: "Level I", CategoryZh: "优", CategoryEn: "Excellent", ColorZh: "绿色", ColorEn: "green", RGB: RGB{0, 228, 0}},
		{Max: 100, NameZh: "二级", NameEn: "Level II", CategoryZh: "良", CategoryEn: "Good", ColorZh: "黄色", ColorEn: "yellow", RGB: RGB{255, 255, 0}},
		{Max: 150, NameZh: "三级", NameEn: "Level III", CategoryZh: "轻度污染", CategoryEn: "Lightly polluted", ColorZh: "橙色", ColorEn: "orange", RGB: RGB{255, 126, 0}},
		{Max: 200, NameZh: "四级", NameEn: "Level IV", CategoryZh: "中度污染", CategoryEn: "Moderately polluted", ColorZh: "红色", ColorEn: "red", RGB: RGB{255, 0, 0}},
		{Max: 300, NameZh: "五级", NameEn: "Level V", CategoryZh: "重度污染", CategoryEn: "Heavily polluted", ColorZh: "紫色", ColorEn: "purple", RGB: RGB{153, 0, 76}},
		{Max: 500, NameZh: "六级", NameEn: "Level VI", CategoryZh: "严重污染", CategoryEn: "Severely polluted", ColorZh: "褐红色", ColorEn: "maroon", RGB: RGB{126, 0, 35}},
	}
}

// HJ633_2012 is 环境空气质量指数（AQI）技术规定（试行）HJ 633-2012, in force
// nationwide with GB 3095-2012 from 2016-01-01 [K] until HJ 633—2026.
func HJ633_2012() *AQIStandard {
	return &AQIStandard{
		Meta: Meta{ID: "HJ633-2012", Kind: KindAQICN, Title: "环境空气质量指数（AQI）技术规定（试行） HJ 633-2012",
			EffectiveFrom: MustDate("2016-01-01"), EffectiveUntil: MustDate("2026-03-01"), Source: "reference/standards.md §3.1"},
		Rounding: RoundUp, Tables: hj633Tables(150, 75), Reports: hj633Reports(), Levels: hj633Levels(), PrimaryAbove: 50,
	}
}

// HJ633_2026 is HJ 633—2026, in force from 2026-03-01: the PM10 and PM2.5
// columns tighten at IAQI 100 (150→120, 75→60; PM2.5 stays 35 at 50 — the
// reference weighs a conflicting claim of 30 and keeps 35), and an incomplete
// report with AQI ≤ 100 is published as NA (§5.3).
func HJ633_2026() *AQIStandard {
	return &AQIStandard{
		Meta: Meta{ID: "HJ633-2026", Kind: KindAQICN, Title: "环境空气质量指数（AQI）技术规定 HJ 633—2026",
			EffectiveFrom: MustDate("2026-03-01"), Source: "reference/standards.md §3.1"},
		Rounding: RoundUp, Tables: hj633Tables(120, 60), Reports: hj633Reports(), Levels: hj633Levels(), PrimaryAbove: 50, NAUpTo: 100,
	}
}

// seg builds US rows, whose concentration ranges leave gaps (9.0 / 9.1).
func seg(cLo, cHi float64, iLo, iHi int) Segment {
	return Segment{CLo: cLo, CHi: cHi, ILo: iLo, IHi: iHi}
}

// USEPA2024 is the US EPA AQI with the 2024 PM2.5 revision (effective
// 2024-05-06). Concentrations are truncated before the lookup and the index
// rounded to the nearest integer. NowCast is not part of this table.
func USEPA2024() *AQIStandard {
	us := func(p Pollutant, avg Period, unit string, dec int, segs ...Segment) BreakpointTable {
		return BreakpointTable{Pollutant: p, Averaging: avg, Unit: unit, Truncate: true, Decimals: dec, Segments: segs, Above: AboveCap}
	}
	o38 := us(O3, Hour8, "ppm", 3, seg(0, 0.054, 0, 50), seg(0.055, 0.070, 51, 100), seg(0.071, 0.085, 101, 150),
		seg(0.086, 0.105, 151, 200), seg(0.106, 0.200, 201, 300))
	o38.Above, o38.SubstituteWith = AboveSubstitute, Hour1
	o31 := us(O3, Hour1, "ppm", 3, seg(0.125, 0.164, 101, 150), seg(0.165, 0.204, 151, 200), seg(0.205, 0.404, 201, 300), seg(0.405, 0.604, 301, 500))
	o31.BelowUndefined = true
	so2h := us(SO2, Hour1, "ppb", 0, seg(0, 35, 0, 50), seg(36, 75, 51, 100), seg(76, 185, 101, 150), seg(186, 304, 151, 200))
	so2h.Above, so2h.SubstituteWith = AboveSubstitute, Hour24
	so2d := us(SO2, Hour24, "ppb", 0, seg(305, 604, 201, 300), seg(605, 1004, 301, 500))
	so2d.BelowUndefined = true
	return &AQIStandard{
		Meta: Meta{ID: "US-EPA-2024", Kind: KindAQIUS, Title: "US EPA Air Quality Index (40 CFR 58 App. G, 2024 PM2.5 revision)",
			EffectiveFrom: MustDate("2024-05-06"), Source: "reference/standards.md §3.2"},
		Rounding: RoundNearest, PrimaryAbove: -1,
		Tables: []BreakpointTable{
			us(PM25, Hour24, "µg/m³", 1, seg(0, 9.0, 0, 50), seg(9.1, 35.4, 51, 100), seg(35.5, 55.4, 101, 150),
				seg(55.5, 125.4, 151, 200), seg(125.5, 225.4, 201, 300), seg(225.5, 325.4, 301, 500)),
			us(PM10, Hour24, "µg/m³", 0, seg(0, 54, 0, 50), seg(55, 154, 51, 100), seg(155, 254, 101, 150),
				seg(255, 354, 151, 200), seg(355, 424, 201, 300), seg(425, 604, 301, 500)),
			o38, o31,
			us(CO, Hour8, "ppm", 1, seg(0, 4.4, 0, 50), seg(4.5, 9.4, 51, 100), seg(9.5, 12.4, 101, 150),
				seg(12.5, 15.4, 151, 200), seg(15.5, 30.4, 201, 300), seg(30.5, 50.4, 301, 500)),
			so2h, so2d,
			us(NO2, Hour1, "ppb", 0, seg(0, 53, 0, 50), seg(54, 100, 51, 100), seg(101, 360, 101, 150),
				seg(361, 649, 151, 200), seg(650, 1249, 201, 300), seg(1250, 2049, 301, 500)),
		},
		Reports: []Report{{Period: Hour24, Items: []ReportItem{
			{Key: "pm2_5", Pollutant: PM25, Table: Hour24},
			{Key: "pm10", Pollutant: PM10, Table: Hour24},
			{Key: "o3_8h", Pollutant: O3, Table: Hour8},
			{Key: "o3_1h", Pollutant: O3, Table: Hour1},
			{Key: "co", Pollutant: CO, Table: Hour8},
			{Key: "so2", Pollutant: SO2, Table: Hour1},
			{Key: "so2_24h", Pollutant: SO2, Table: Hour24, SubstituteOnly: true},
			{Key: "no2", Pollutant: NO2, Table: Hour1},
		}}},
		// Colours of the first four bands are the same RGB as HJ 633 [K];
		// purple and maroon per the reference. Chinese names are ours [A].
		Levels: []Level{
			{Max: 50, NameEn: "Good", NameZh: "良好", CategoryEn: "Good", CategoryZh: "良好", ColorEn: "green", ColorZh: "绿色", RGB: RGB{0, 228, 0}},
			{Max: 100, NameEn: "Moderate", NameZh: "中等", CategoryEn: "Moderate", CategoryZh: "中等", ColorEn: "yellow", ColorZh: "黄色", RGB: RGB{255, 255, 0}},
			{Max: 150, NameEn: "Unhealthy for Sensitive Groups", NameZh: "对敏感人群不健康", CategoryEn: "Unhealthy for Sensitive Groups", CategoryZh: "对敏感人群不健康", ColorEn: "orange", ColorZh: "橙色", RGB: RGB{255, 126, 0}},
			{Max: 200, NameEn: "Unhealthy", NameZh: "不健康", CategoryEn: "Unhealthy", CategoryZh: "不健康", ColorEn: "red", ColorZh: "红色", RGB: RGB{255, 0, 0}},
			{Max: 300, NameEn: "Very Unhealthy", NameZh: "非常不健康", CategoryEn: "Very Unhealthy", CategoryZh: "非常不健康", ColorEn: "purple", ColorZh: "紫色", RGB: RGB{143, 63, 151}},
			{Max: 500, NameEn: "Hazardous", NameZh: "危险", CategoryEn: "Hazardous", CategoryZh: "危险", ColorEn: "maroon", ColorZh: "褐红色", RGB: RGB{126, 0, 35}},
		},
	}
}
