// Command gen_mu_csv writes the deterministic synthetic enterprises of
// scoring.Synthetic as a CSV for `towngrid assess mu` and bench/pandas_mu.py.
//
//	go run ./bench/gen_mu_csv -n 1000000 -o /tmp/mu.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"

	"towngrid/internal/scoring"
)

func main() {
	n := flag.Int("n", 1_000_000, "number of enterprises")
	seed := flag.Uint64("seed", 42, "generator seed")
	out := flag.String("o", "mu.csv", "output CSV")
	flag.Parse()
	in := scoring.Synthetic(*n, *seed)
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	figs := []string{"tax", "land_mu", "sales_revenue", "value_added", "energy_tce", "electricity_kwh",
		"water_t", "emissions_t", "employees", "rd", "main_revenue"}
	w.WriteString("id,scale,kind,unit")
	for _, c := range figs {
		w.WriteString("," + c)
	}
	w.WriteByte('\n')
	var buf []byte
	for i := 0; i < in.N; i++ {
		buf = append(buf[:0], in.ID[i]...)
		for _, c := range []string{"scale", "kind", "unit"} {
			buf = append(buf, ',')
			buf = append(buf, in.Cats[c].Get(i)...)
		}
		for _, c := range figs {
			buf = append(buf, ',')
			if v := in.Figures[c][i]; !math.IsNaN(v) {
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
		}
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f.Close()
}
