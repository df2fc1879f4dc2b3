-- Class 2: TRUNCATE empties the table, so SET NOT NULL and the CHECK have no rows to scan.
-- migrate:expand
SELECT 1;

-- migrate:contract
TRUNCATE job_queue;
ALTER TABLE job_queue ALTER COLUMN payload SET NOT NULL;
ALTER TABLE job_queue ADD CONSTRAINT job_queue_payload_check CHECK (payload <> '');
