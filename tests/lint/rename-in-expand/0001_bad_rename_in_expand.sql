-- migrate:up
ALTER TABLE users RENAME COLUMN name TO full_name; -- expect: rename-in-expand
ALTER TABLE invoices RENAME TO bills; -- expect: rename-in-expand
ALTER TABLE events SET SCHEMA archive; -- expect: rename-in-expand

-- migrate:down
ALTER TABLE users RENAME COLUMN full_name TO name;
ALTER TABLE bills RENAME TO invoices;
ALTER TABLE archive.events SET SCHEMA public;
