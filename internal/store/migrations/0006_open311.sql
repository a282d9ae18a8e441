-- Residents and Open311: what a resident's request carries beyond its work
-- order (token, service code, attribute answers, address, contact), the
-- updates clients post (mySociety servicerequestupdates), subscriptions to
-- state changes and the satisfaction survey (回访) after closure.

CREATE TABLE open311_requests (
  workorder_id BIGINT PRIMARY KEY REFERENCES workorders(id),
  token        {{ctext}} NOT NULL,
  service_code TEXT NOT NULL,
  channel      TEXT NOT NULL,
  attributes   TEXT NOT NULL DEFAULT '{}',
  address      TEXT NOT NULL DEFAULT '',
  address_id   TEXT NOT NULL DEFAULT '',
  media_url    TEXT NOT NULL DEFAULT '',
  device_id    TEXT NOT NULL DEFAULT '',
  account_id   TEXT NOT NULL DEFAULT '',
  contact      TEXT NOT NULL DEFAULT '{}',
  client_ip    TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX open311_requests_token ON open311_requests (token);

CREATE TABLE open311_updates (
  id           {{pk}},
  workorder_id BIGINT NOT NULL REFERENCES workorders(id),
  external_id  TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT '',
  description  TEXT NOT NULL DEFAULT '',
  media_url    TEXT NOT NULL DEFAULT '',
  author_id    BIGINT NOT NULL DEFAULT 0,
  at           BIGINT NOT NULL,
  created_at   BIGINT NOT NULL
);
CREATE INDEX open311_updates_wo ON open311_updates (workorder_id, id);

CREATE TABLE report_subscriptions (
  id         {{pk}},
  scope      TEXT NOT NULL,
  target     TEXT NOT NULL,
  channel    TEXT NOT NULL,
  address    TEXT NOT NULL,
  lang       TEXT NOT NULL DEFAULT 'zh-CN',
  secret     {{ctext}} NOT NULL,
  active     BOOLEAN NOT NULL DEFAULT TRUE,
  created_at BIGINT NOT NULL
);
CREATE INDEX report_subscriptions_target ON report_subscriptions (scope, target);
CREATE UNIQUE INDEX report_subscriptions_secret ON report_subscriptions (secret);

CREATE TABLE report_surveys (
  workorder_id BIGINT PRIMARY KEY REFERENCES workorders(id),
  rating       TEXT NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  area_path    {{ctext}} NOT NULL,
  period       TEXT NOT NULL,
  at           BIGINT NOT NULL
);
CREATE INDEX report_surveys_period ON report_surveys (period, area_path);

-- Public lists (Open311 GET requests, the map, the feeds) walk one kind by
-- submission time.
CREATE INDEX workorders_kind_created ON workorders (kind, created_at);
