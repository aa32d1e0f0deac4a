DELETE FROM report_snapshots WHERE kind = 'task_force';
ALTER TABLE report_snapshots DROP CONSTRAINT report_snapshots_kind_check;
ALTER TABLE report_snapshots ADD CONSTRAINT report_snapshots_kind_check CHECK (kind IN ('coordinator'));
