#!/usr/bin/python3
"""pandas baseline for towngrid's scoring engine: the Huangyan 2022-data per-mu
evaluation (standards.md §1.2, scheme internal/scoring/schemes/huangyan-2022.json),
scored, ranked and classed exactly as the Go engine does.

    go run ./bench/gen_mu_csv -n 1000000 -o /tmp/mu.csv
    /usr/bin/python3 bench/pandas_mu.py /tmp/mu.csv [--out /tmp/mu_pandas.csv] [--check go_result.csv]

The timed part starts after the CSV is read (the Go benchmark also scores an
in-memory population); the read time is printed separately.
"""
import sys, time
import numpy as np
import pandas as pd

EXEMPT = {"utility", "公用事业", "电力", "热力", "燃气", "供水", "污水处理", "垃圾处理", "tax_support", "税收扶持",
          "startup", "初创期", "under_construction", "在建", "在建项目"}
ABOVE = [  # id, num, den, scale, benchmark, weight, mean rule for missing
    ("tax_per_mu", "tax", "land_mu", 1, 24.097, 30, False),
    ("va_per_mu", "value_added", "land_mu", 1, 136.16, 20, False),
    ("va_per_energy", "value_added", "energy_tce", 1, 2.694, 20, False),
    ("va_per_emission", "value_added", "emissions_t", 1, 4929.81, 10, True),
    ("labour_productivity", "value_added", "employees", 1, 18.14, 10, False),
    ("rd_ratio", "rd", "main_revenue", 1, 0.0302, 10, False),
]
BELOW = [("tax_per_mu", "tax", "land_mu", 1, 11.5932, 50, False),
         ("tax_per_kwh", "tax", "electricity_kwh", 10000, 0.2352, 50, False)]
TENANT = [("tax_per_kwh", "tax", "electricity_kwh", 10000, 0.2352, 100, False)]
CUTS = [("A", 25), ("B", 70), ("C", 95), ("D", 100)]


def score(df):
    land = df["land_mu"]
    exempt = df["kind"].isin(EXEMPT)
    tenant = ~exempt & ~(land > 0)
    above = ~exempt & ~tenant & (df["scale"] == "above")
    below = ~exempt & ~tenant & ~above
    df["group"] = np.select([exempt, tenant, above, below], ["exempt", "tenant", "above", "below"], "")
    df["total"] = np.nan
    for name, items in (("tenant", TENANT), ("above", ABOVE), ("below", BELOW)):
        g = df[df["group"] == name]
        total = pd.Series(0.0, index=g.index)
        for _, num, den, sc, bench, w, mean_rule in items:
            d = g[den]
            ok = (d > 0) & g[num].notna()
            s = (g[num] / d * sc / bench * w).clip(lower=0).where(ok)
            fill = s.mean() if mean_rule else 0.0
            total += s.fillna(0.0 if pd.isna(fill) else fill)
        df.loc[g.index, "total"] = total
    ranked = df["group"].isin(["tenant", "above", "below"])
    df["rank"] = df[ranked].groupby("group")["total"].rank(method="min", ascending=False)
    n = df[ranked].groupby("group")["total"].transform("size")
    df["percentile"] = df["rank"] / n * 100
    cls = pd.Series("D", index=df.index)
    for code, cut in reversed(CUTS):
        cls = cls.mask(df["percentile"] * 1 <= cut + 1e-9, code)
    df["class"] = cls.where(ranked, "")
    df.loc[exempt, "class"] = "B"
    return df


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    t0 = time.perf_counter()
    df = pd.read_csv(args[0], dtype={"id": str, "scale": str, "kind": str, "unit": str}, keep_default_na=False,
                     na_values={c: [""] for c in ["tax", "land_mu", "sales_revenue", "value_added", "energy_tce",
                                                   "electricity_kwh", "water_t", "emissions_t", "employees", "rd",
                                                   "main_revenue"]})
    t1 = time.perf_counter()
    df = score(df)
    t2 = time.perf_counter()
    print(f"pandas {pd.__version__}: read {len(df)} rows in {t1 - t0:.3f} s; scored, ranked, classed in {t2 - t1:.3f} s")
    if "--out" in args:
        df[["id", "group", "total", "rank", "percentile", "class"]].to_csv(args[args.index("--out") + 1], index=False)
    if "--check" in args:
        go = pd.read_csv(args[args.index("--check") + 1], dtype={"id": str, "class": str}, keep_default_na=False)
        m = df.merge(go[["id", "total", "class"]], on="id", suffixes=("", "_go"))
        t = pd.to_numeric(m["total_go"], errors="coerce")
        dt = (m["total"] - t).abs().where(m["total"].notna(), 0).max()
        diff = (m["class"] != m["class_go"]).sum()
        print(f"check against Go: {len(m)} matched, max |Δtotal| = {dt:.3g}, class differences = {diff}")
        if diff or dt > 1e-6:
            sys.exit(1)


if __name__ == "__main__":
    main()
