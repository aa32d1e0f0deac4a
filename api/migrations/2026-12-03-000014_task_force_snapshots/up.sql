-- The task force's annual report (Sec. 8(d)) is frozen like the
-- coordinator's: same table, its own kind.
ALTER TABLE report_snapshots DROP CONSTRAINT report_snapshots_kind_check;
ALTER TABLE report_snapshots ADD CONSTRAINT report_snapshots_kind_check CHECK (kind IN ('coordinator', 'task_force'));
