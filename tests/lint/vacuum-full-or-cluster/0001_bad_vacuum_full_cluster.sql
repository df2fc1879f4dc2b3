-- migrate:expand transaction:false
VACUUM FULL users; -- expect: vacuum-full-or-cluster
VACUUM (FULL, ANALYZE) orders; -- expect: vacuum-full-or-cluster
CLUSTER events USING events_created_idx; -- expect: vacuum-full-or-cluster

-- migrate:down
SELECT 1;
