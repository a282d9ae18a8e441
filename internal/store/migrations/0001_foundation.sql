-- Foundation: settings, versioned rules, areas, accounts, sessions, API keys, the audit chain.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- The one rules-with-versions table: calendars, standards, schemes, flows,
-- categories. A rule (kind, key) has versions; the one in force on a date is the
-- latest whose effective_from is on or before it.
CREATE TABLE rules (
  id             {{pk}},
  kind           TEXT NOT NULL,
  key            TEXT NOT NULL,
  version        INTEGER NOT NULL,
  effective_from TEXT NOT NULL,           -- YYYY-MM-DD
  body           TEXT NOT NULL,           -- JSON
  note           TEXT NOT NULL DEFAULT '',
  created_at     BIGINT NOT NULL,
  created_by     BIGINT NOT NULL DEFAULT 0,
  UNIQUE (kind, key, version)
);
CREATE INDEX rules_effective ON rules (kind, key, effective_from);

-- Areas: province → city → county → town/street → community → unit grid.
-- path is the materialised ancestry '/1/5/23/', so "this area and everything
-- below it" is one index range.
CREATE TABLE areas (
  id         {{pk}},
  parent_id  BIGINT REFERENCES areas(id),
  level      TEXT NOT NULL,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  path       {{ctext}} NOT NULL DEFAULT '',
  geometry   TEXT,
  props      TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX areas_parent ON areas (parent_id);
CREATE INDEX areas_path ON areas (path);

CREATE TABLE users (
  id            {{pk}},
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role    TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);

-- An account sees an area and everything below it.
CREATE TABLE user_scopes (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  area_id BIGINT NOT NULL REFERENCES areas(id),
  PRIMARY KEY (user_id, area_id)
);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,          -- SHA-256 of the cookie value
  user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  ip           TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
  id           {{pk}},
  user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL UNIQUE,      -- shown to people, used to find the row
  secret_hash  TEXT NOT NULL,             -- SHA-256 of the whole key
  perms        TEXT NOT NULL,             -- comma-separated permissions, or *
  expires_at   BIGINT NOT NULL DEFAULT 0, -- 0 = never
  revoked_at   BIGINT NOT NULL DEFAULT 0,
  last_used_at BIGINT NOT NULL DEFAULT 0,
  created_at   BIGINT NOT NULL
);

CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        BIGINT NOT NULL,
  actor_id  BIGINT NOT NULL,
  actor     TEXT NOT NULL,
  via       TEXT NOT NULL,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  object_id TEXT NOT NULL,
  before_digest TEXT NOT NULL,
  after_digest  TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_object ON audit_log (object, object_id);

-- One row that every writer locks to append to the chain in order.
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
