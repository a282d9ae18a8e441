-- People need a language, contact details and a way to be told they must
-- change a generated password.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
