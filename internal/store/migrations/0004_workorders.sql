-- Work orders (工单): one row per case with the machine's state, the full event
-- history, durable timers, attachments, the daily case-number serials and the
-- pre-aggregated indicator counters.

CREATE TABLE workorders (
  id               {{pk}},
  kind             TEXT NOT NULL,
  flow             TEXT NOT NULL,
  flow_version     INTEGER NOT NULL,
  number           TEXT,
  category         TEXT NOT NULL DEFAULT '',
  urgency          TEXT NOT NULL DEFAULT '',
  source           TEXT NOT NULL,
  title            TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  lon              DOUBLE PRECISION,
  lat              DOUBLE PRECISION,
  area_id          BIGINT NOT NULL REFERENCES areas(id),
  area_path        {{ctext}} NOT NULL,
  reporter_id      BIGINT NOT NULL DEFAULT 0,
  reporter_contact TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL,
  stage            TEXT NOT NULL,
  is_open          BOOLEAN NOT NULL DEFAULT TRUE,
  suspended        BOOLEAN NOT NULL DEFAULT FALSE,
  department_id    BIGINT NOT NULL DEFAULT 0,
  assignee_id      BIGINT NOT NULL DEFAULT 0,
  seq              INTEGER NOT NULL,
  case_json        TEXT NOT NULL,
  facts_json       TEXT NOT NULL DEFAULT '{}',
  period           TEXT NOT NULL,
  deadline         BIGINT NOT NULL DEFAULT 0,
  clock_deadline   BIGINT NOT NULL DEFAULT 0,
  light            TEXT NOT NULL DEFAULT '',
  disposed_on_time BOOLEAN,
  closed_on_time   BOOLEAN,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX workorders_number ON workorders (number);
-- Queues and lists walk one of these in (area_path, id) order: a scope is one
-- byte range of area_path, so a page is an index range whatever the table size.
CREATE INDEX workorders_stage_area ON workorders (stage, area_path, id);
CREATE INDEX workorders_open_area ON workorders (is_open, area_path, id);
CREATE INDEX workorders_reporter ON workorders (reporter_id, id);

CREATE TABLE workorder_events (
  id             {{pk}},
  workorder_id   BIGINT NOT NULL REFERENCES workorders(id),
  seq            INTEGER NOT NULL,
  action         TEXT NOT NULL,
  from_state     TEXT NOT NULL,
  to_state       TEXT NOT NULL,
  actor_id       BIGINT NOT NULL DEFAULT 0,
  actor          TEXT NOT NULL,
  inputs         TEXT NOT NULL DEFAULT '{}',
  comment        TEXT NOT NULL DEFAULT '',
  public_comment TEXT NOT NULL DEFAULT '',
  detail         TEXT NOT NULL DEFAULT '{}',
  at             BIGINT NOT NULL
);
CREATE INDEX workorder_events_wo ON workorder_events (workorder_id, id);

CREATE TABLE workorder_timers (
  id           {{pk}},
  workorder_id BIGINT NOT NULL REFERENCES workorders(id),
  kind         TEXT NOT NULL,
  timer        TEXT NOT NULL,
  state        TEXT NOT NULL,
  fire_at      BIGINT NOT NULL,
  fired_at     BIGINT NOT NULL DEFAULT 0,
  claimed_by   TEXT NOT NULL DEFAULT '',
  claim_until  BIGINT NOT NULL DEFAULT 0
);
-- Only pending rows are indexed by due time, so the sweep reads the due ones
-- directly however many have fired.
CREATE INDEX workorder_timers_due ON workorder_timers (fire_at) WHERE fired_at = 0;
CREATE INDEX workorder_timers_wo ON workorder_timers (workorder_id);

CREATE TABLE workorder_attachments (
  id           {{pk}},
  workorder_id BIGINT NOT NULL REFERENCES workorders(id),
  sha256       TEXT NOT NULL,
  name         TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         BIGINT NOT NULL,
  lon          DOUBLE PRECISION,
  lat          DOUBLE PRECISION,
  uploaded_by  BIGINT NOT NULL DEFAULT 0,
  created_at   BIGINT NOT NULL
);
CREATE INDEX workorder_attachments_wo ON workorder_attachments (workorder_id, id);

-- One row per Shanghai day: the next case-number serial, taken with an atomic
-- upsert so several replicas never hand out the same number.
CREATE TABLE workorder_serials (
  day TEXT PRIMARY KEY,
  n   BIGINT NOT NULL
);

-- Indicator counters per (report month, grid path, category, source), kept up
-- to date by every event in the event's own transaction.
CREATE TABLE workorder_counters (
  period             TEXT NOT NULL,
  area_path          {{ctext}} NOT NULL,
  category           TEXT NOT NULL,
  source             TEXT NOT NULL,
  reported           BIGINT NOT NULL DEFAULT 0,
  public_reported    BIGINT NOT NULL DEFAULT 0,
  valid              BIGINT NOT NULL DEFAULT 0,
  verified_on_time   BIGINT NOT NULL DEFAULT 0,
  intake_done        BIGINT NOT NULL DEFAULT 0,
  intake_on_time     BIGINT NOT NULL DEFAULT 0,
  registered         BIGINT NOT NULL DEFAULT 0,
  public_registered  BIGINT NOT NULL DEFAULT 0,
  registered_on_time BIGINT NOT NULL DEFAULT 0,
  not_accepted       BIGINT NOT NULL DEFAULT 0,
  not_registered     BIGINT NOT NULL DEFAULT 0,
  voided             BIGINT NOT NULL DEFAULT 0,
  dispatched         BIGINT NOT NULL DEFAULT 0,
  dispatched_on_time BIGINT NOT NULL DEFAULT 0,
  reworked           BIGINT NOT NULL DEFAULT 0,
  rework_loops       BIGINT NOT NULL DEFAULT 0,
  suspended          BIGINT NOT NULL DEFAULT 0,
  disposed           BIGINT NOT NULL DEFAULT 0,
  disposed_on_time   BIGINT NOT NULL DEFAULT 0,
  overdue_undisposed BIGINT NOT NULL DEFAULT 0,
  checks             BIGINT NOT NULL DEFAULT 0,
  checks_on_time     BIGINT NOT NULL DEFAULT 0,
  closed             BIGINT NOT NULL DEFAULT 0,
  closed_on_time     BIGINT NOT NULL DEFAULT 0,
  closed_normal      BIGINT NOT NULL DEFAULT 0,
  closed_overdue     BIGINT NOT NULL DEFAULT 0,
  closed_error       BIGINT NOT NULL DEFAULT 0,
  closed_special     BIGINT NOT NULL DEFAULT 0,
  self_handled       BIGINT NOT NULL DEFAULT 0,
  dispose_ms         BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (period, area_path, category, source)
);
