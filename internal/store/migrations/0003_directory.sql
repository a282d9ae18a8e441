-- Directory records: departments and category ownership, people (department
-- membership and responsibility grids), enterprises, components, residents.
-- Every record has an area_id, and a caller sees a record when that area lies
-- in the caller's scope.

CREATE TABLE departments (
  id         {{pk}},
  parent_id  BIGINT REFERENCES departments(id),
  level      INTEGER NOT NULL DEFAULT 1,
  code       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  contact    TEXT NOT NULL DEFAULT '',
  phone      TEXT NOT NULL DEFAULT '',
  area_id    BIGINT NOT NULL REFERENCES areas(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX departments_parent ON departments (parent_id);
CREATE INDEX departments_area ON departments (area_id);

-- Which department owns a category of work (a 小类 code, a 大类 code or *) in
-- an area and below it. See OwningDepartment for how a rule is chosen.
CREATE TABLE category_owners (
  id            {{pk}},
  area_id       BIGINT NOT NULL REFERENCES areas(id),
  category      TEXT NOT NULL,
  department_id BIGINT NOT NULL REFERENCES departments(id),
  created_at    BIGINT NOT NULL,
  UNIQUE (area_id, category)
);
CREATE INDEX category_owners_dept ON category_owners (department_id);

-- An account's departments (with the post held there).
CREATE TABLE user_departments (
  user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  department_id BIGINT NOT NULL REFERENCES departments(id),
  post          TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, department_id)
);
CREATE INDEX user_departments_dept ON user_departments (department_id);

-- A grid worker's responsibility grids (责任网格): who must verify and check in
-- a grid. Separate from user_scopes, which is what an account may see.
CREATE TABLE user_grids (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  grid_id BIGINT NOT NULL REFERENCES areas(id),
  PRIMARY KEY (user_id, grid_id)
);
CREATE INDEX user_grids_grid ON user_grids (grid_id);

CREATE TABLE enterprises (
  id          {{pk}},
  uscc        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  industry    TEXT NOT NULL DEFAULT '',
  above_scale BOOLEAN NOT NULL DEFAULT FALSE,
  land_mu_e4  BIGINT NOT NULL DEFAULT 0,  -- land area in 1/10000 mu, exact
  park        TEXT NOT NULL DEFAULT '',
  area_id     BIGINT NOT NULL REFERENCES areas(id),
  grid_id     BIGINT REFERENCES areas(id),
  address     TEXT NOT NULL DEFAULT '',
  lon         DOUBLE PRECISION,
  lat         DOUBLE PRECISION,
  contacts    TEXT NOT NULL DEFAULT '[]',
  status      TEXT NOT NULL DEFAULT 'active',
  user_id     BIGINT REFERENCES users(id),
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX enterprises_area ON enterprises (area_id);
CREATE INDEX enterprises_name ON enterprises (name);
CREATE INDEX enterprises_industry ON enterprises (industry);

CREATE TABLE components (
  id                {{pk}},
  code              TEXT NOT NULL UNIQUE,
  category          TEXT NOT NULL,
  major_name        TEXT NOT NULL DEFAULT '',
  minor_name        TEXT NOT NULL DEFAULT '',
  owner_dept_id     BIGINT REFERENCES departments(id),
  maintainer_dept_id BIGINT REFERENCES departments(id),
  state             TEXT NOT NULL DEFAULT 'intact',
  area_id           BIGINT NOT NULL REFERENCES areas(id),
  grid_id           BIGINT REFERENCES areas(id),
  lon               DOUBLE PRECISION,
  lat               DOUBLE PRECISION,
  note              TEXT NOT NULL DEFAULT '',
  photos            TEXT NOT NULL DEFAULT '[]',
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL
);
CREATE INDEX components_area ON components (area_id);
CREATE INDEX components_grid ON components (grid_id);
CREATE INDEX components_category ON components (category);

-- Residents, recorded only with consent. The ID number and the phone are
-- sealed with AES-256-GCM (internal/secretbox), id_index is a keyed HMAC blind
-- index of the ID number, and the masked forms are kept for lists.
CREATE TABLE residents (
  id           {{pk}},
  name         TEXT NOT NULL,
  id_sealed    {{blob}} NOT NULL,
  id_index     TEXT NOT NULL UNIQUE,
  id_masked    TEXT NOT NULL,
  phone_sealed {{blob}},
  phone_masked TEXT NOT NULL DEFAULT '',
  address      TEXT NOT NULL DEFAULT '',
  area_id      BIGINT NOT NULL REFERENCES areas(id),
  grid_id      BIGINT REFERENCES areas(id),
  consent_at   BIGINT NOT NULL,
  tags         TEXT NOT NULL DEFAULT '[]',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE INDEX residents_area ON residents (area_id);
