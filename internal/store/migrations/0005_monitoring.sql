-- Monitoring (三生: production, living, ecology): devices with hashed access
-- tokens, raw readings, 1-minute/1-hour/1-day roll-ups kept in the ingest
-- transaction, the latest value per key, alarm rules (ThingsBoard semantics)
-- with their persisted state, and alarms.

CREATE TABLE devices (
  id                {{pk}},
  name              TEXT NOT NULL,
  kind              TEXT NOT NULL,
  token_prefix      TEXT NOT NULL UNIQUE,
  token_hash        TEXT NOT NULL,
  area_id           BIGINT NOT NULL REFERENCES areas(id),
  area_path         {{ctext}} NOT NULL,
  lon               DOUBLE PRECISION,
  lat               DOUBLE PRECISION,
  noise_zone        TEXT NOT NULL DEFAULT '',
  air_class         INTEGER NOT NULL DEFAULT 0,
  water_body        TEXT NOT NULL DEFAULT '',
  water_target      INTEGER NOT NULL DEFAULT 0,
  attributes        TEXT NOT NULL DEFAULT '{}',
  active            BOOLEAN NOT NULL DEFAULT TRUE,
  last_seen         BIGINT NOT NULL DEFAULT 0,
  bad_payload_count BIGINT NOT NULL DEFAULT 0,
  aqi_hour          BIGINT NOT NULL DEFAULT 0,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL
);
CREATE INDEX devices_area ON devices (area_path, id);

-- Raw readings, one row per (device, key, minute): data holds the minute's
-- points as 16-byte records (ts int64, value float64, little-endian) in
-- arrival order, appended in the ingest transaction. Logically this is
-- (device, key, ts, value); physically one row per minute turns a batch of
-- many thousand readings into a few hundred appends, which is what lets
-- ingest reach 200,000 readings/s on SQLite (docs/perf-monitoring.md).
CREATE TABLE readings (
  device_id BIGINT NOT NULL,
  key       TEXT NOT NULL,
  bucket    BIGINT NOT NULL,
  n         BIGINT NOT NULL,
  data      {{blob}} NOT NULL,
  PRIMARY KEY (device_id, key, bucket)
);

-- Roll-ups per resolution ('1m', '1h', '1d'); bucket is the bucket's start in
-- unix ms (1d buckets start at local midnight, Asia/Shanghai).
CREATE TABLE reading_rollups (
  res       TEXT NOT NULL,
  device_id BIGINT NOT NULL,
  key       TEXT NOT NULL,
  bucket    BIGINT NOT NULL,
  vmin      DOUBLE PRECISION NOT NULL,
  vmax      DOUBLE PRECISION NOT NULL,
  vsum      DOUBLE PRECISION NOT NULL,
  n         BIGINT NOT NULL,
  PRIMARY KEY (res, device_id, key, bucket)
);
CREATE INDEX reading_rollups_age ON reading_rollups (res, bucket);

CREATE TABLE readings_latest (
  device_id BIGINT NOT NULL,
  key       TEXT NOT NULL,
  ts        BIGINT NOT NULL,
  value     DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (device_id, key)
);

-- Alarm rules are data: condition and clear condition as JSON (monitor.Rule).
CREATE TABLE alarm_rules (
  id          {{pk}},
  name        TEXT NOT NULL,
  device_kind TEXT NOT NULL DEFAULT '',
  device_id   BIGINT NOT NULL DEFAULT 0,
  key         TEXT NOT NULL,
  severity    TEXT NOT NULL,
  body        TEXT NOT NULL,
  category    TEXT NOT NULL DEFAULT '',
  public      BOOLEAN NOT NULL DEFAULT FALSE,
  enabled     BOOLEAN NOT NULL DEFAULT TRUE,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);

-- Per (rule, device) evaluation state, so a duration start or a repeat
-- counter survives a restart (ThingsBoard's "persist state of alarm rules").
CREATE TABLE alarm_rule_state (
  rule_id     BIGINT NOT NULL,
  device_id   BIGINT NOT NULL,
  since       BIGINT NOT NULL DEFAULT 0,
  count       BIGINT NOT NULL DEFAULT 0,
  clear_since BIGINT NOT NULL DEFAULT 0,
  clear_count BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (rule_id, device_id)
);

CREATE TABLE alarms (
  id           {{pk}},
  rule_id      BIGINT NOT NULL,
  device_id    BIGINT NOT NULL REFERENCES devices(id),
  area_id      BIGINT NOT NULL,
  area_path    {{ctext}} NOT NULL,
  key          TEXT NOT NULL,
  name         TEXT NOT NULL,
  severity     TEXT NOT NULL,
  active       BOOLEAN NOT NULL DEFAULT TRUE,
  acked        BOOLEAN NOT NULL DEFAULT FALSE,
  public       BOOLEAN NOT NULL DEFAULT FALSE,
  value        DOUBLE PRECISION NOT NULL DEFAULT 0,
  start_ts     BIGINT NOT NULL,
  end_ts       BIGINT NOT NULL,
  acked_at     BIGINT NOT NULL DEFAULT 0,
  acked_by     BIGINT NOT NULL DEFAULT 0,
  cleared_at   BIGINT NOT NULL DEFAULT 0,
  cleared_by   BIGINT NOT NULL DEFAULT 0,
  workorder_id BIGINT NOT NULL DEFAULT 0,
  details      TEXT NOT NULL DEFAULT '{}',
  created_at   BIGINT NOT NULL
);
-- Uniqueness (device, rule) while active: a repeat extends end_ts instead.
CREATE UNIQUE INDEX alarms_one_active ON alarms (device_id, rule_id) WHERE active;
CREATE INDEX alarms_area ON alarms (area_path, id);
CREATE INDEX alarms_public ON alarms (public, id);

-- Default rules from the standards (editable data): AQI above 100 (三级 and
-- worse), noise above the zone's day/night limit, water worse than the
-- section's target class. noise_over and water_over are derived readings.
INSERT INTO alarm_rules (name, device_kind, key, severity, body, category, public, enabled, created_at, updated_at) VALUES
  ('AQI > 100', 'air_station', 'aqi', 'MAJOR', '{"condition":{"op":"gt","value":100},"clear":{"op":"le","value":100}}', 'E0305', TRUE, TRUE, 0, 0),
  ('噪声超标 noise over zone limit', 'noise_station', 'noise_over', 'MINOR', '{"condition":{"op":"gt","value":0,"type":"duration","seconds":600},"clear":{"op":"le","value":0,"type":"duration","seconds":600}}', 'E0601', FALSE, TRUE, 0, 0),
  ('水质劣于目标 water worse than target', 'water_section', 'water_over', 'MAJOR', '{"condition":{"op":"gt","value":0},"clear":{"op":"le","value":0}}', 'E0110', TRUE, TRUE, 0, 0);
