-- Class 2: a DELETE with a WHERE leaves rows behind; the scan still happens.
-- migrate:expand
SELECT 1;

-- migrate:contract
DELETE FROM job_queue WHERE done;
ALTER TABLE job_queue ALTER COLUMN payload SET NOT NULL; -- expect: set-not-null
