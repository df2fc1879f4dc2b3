-- migrate:up
CREATE TABLE vouchers (id bigint PRIMARY KEY, code text);

-- migrate:down
DROP TABLE vouchers;
