-- migrate:expand transaction:false
VACUUM (ANALYZE) users;
ANALYZE orders;

-- migrate:down
SELECT 1;
