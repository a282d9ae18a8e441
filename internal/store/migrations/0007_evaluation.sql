-- Per-mu evaluation (亩均论英雄): enterprises' statistics reports (统计监测),
-- their audited revisions, and immutable evaluation runs with one row per
-- enterprise and per-park/town aggregates. Figures are JSON objects keyed by
-- the scoring package's figure ids (tax, value_added, energy_tce …) so that
-- the engine reads them without a mapping.

CREATE TABLE enterprise_stats (
  id            {{pk}},
  enterprise_id BIGINT NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  period        TEXT NOT NULL,            -- YYYY-MM (monthly) or YYYY (annual)
  year          INTEGER NOT NULL,
  month         INTEGER NOT NULL DEFAULT 0, -- 0 = annual
  figures       TEXT NOT NULL DEFAULT '{}',
  status        TEXT NOT NULL,            -- draft, submitted, accepted, returned
  revision      INTEGER NOT NULL DEFAULT 1,
  note          TEXT NOT NULL DEFAULT '',
  reported_by   BIGINT NOT NULL DEFAULT 0,
  reported_at   BIGINT NOT NULL,
  reviewed_by   BIGINT NOT NULL DEFAULT 0,
  reviewed_at   BIGINT NOT NULL DEFAULT 0,
  UNIQUE (enterprise_id, period)
);
CREATE INDEX enterprise_stats_period ON enterprise_stats (period, status);
CREATE INDEX enterprise_stats_year ON enterprise_stats (year, enterprise_id);

-- Every version of a report, so a correction never erases what was first said.
CREATE TABLE enterprise_stats_revisions (
  id         {{pk}},
  stats_id   BIGINT NOT NULL REFERENCES enterprise_stats(id) ON DELETE CASCADE,
  revision   INTEGER NOT NULL,
  figures    TEXT NOT NULL,
  status     TEXT NOT NULL,
  note       TEXT NOT NULL DEFAULT '',
  actor_id   BIGINT NOT NULL DEFAULT 0,
  actor      TEXT NOT NULL DEFAULT '',
  at         BIGINT NOT NULL,
  UNIQUE (stats_id, revision)
);

-- A run is immutable once written: scheme version, year and area are fixed,
-- and the results are what was published.
CREATE TABLE evaluation_runs (
  id             {{pk}},
  scheme         TEXT NOT NULL,
  scheme_version INTEGER NOT NULL,
  scheme_name    TEXT NOT NULL DEFAULT '',
  year           INTEGER NOT NULL,
  area_id        BIGINT NOT NULL REFERENCES areas(id),
  area_path      {{ctext}} NOT NULL,
  n              INTEGER NOT NULL,
  by_class       TEXT NOT NULL DEFAULT '{}',
  absent         TEXT NOT NULL DEFAULT '[]',
  score_ms       DOUBLE PRECISION NOT NULL DEFAULT 0,
  created_by     BIGINT NOT NULL DEFAULT 0,
  created_at     BIGINT NOT NULL
);
CREATE INDEX evaluation_runs_area ON evaluation_runs (area_path, id);
CREATE INDEX evaluation_runs_year ON evaluation_runs (scheme, year);

-- pos is the published order (by group, then rank) and the list cursor.
CREATE TABLE evaluation_results (
  run_id        BIGINT NOT NULL REFERENCES evaluation_runs(id) ON DELETE CASCADE,
  pos           INTEGER NOT NULL,
  enterprise_id BIGINT NOT NULL,
  uscc          TEXT NOT NULL,
  name          TEXT NOT NULL,
  park          TEXT NOT NULL DEFAULT '',
  town          TEXT NOT NULL DEFAULT '',
  grp           TEXT NOT NULL DEFAULT '',
  total         DOUBLE PRECISION NOT NULL,
  rnk           INTEGER NOT NULL DEFAULT 0,
  pct           DOUBLE PRECISION NOT NULL DEFAULT 0,
  class         TEXT NOT NULL DEFAULT '',
  unclassified  BOOLEAN NOT NULL DEFAULT FALSE,
  card          TEXT NOT NULL,
  PRIMARY KEY (run_id, pos)
);
CREATE INDEX evaluation_results_ent ON evaluation_results (enterprise_id, run_id);
CREATE INDEX evaluation_results_class ON evaluation_results (run_id, class, pos);

CREATE TABLE evaluation_aggregates (
  run_id BIGINT NOT NULL REFERENCES evaluation_runs(id) ON DELETE CASCADE,
  level  TEXT NOT NULL,                   -- park or town
  unit   TEXT NOT NULL,
  body   TEXT NOT NULL,
  PRIMARY KEY (run_id, level, unit)
);
