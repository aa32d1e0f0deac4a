DROP INDEX IF EXISTS intake_stats_day;
DROP INDEX IF EXISTS victims_incident;
DROP INDEX IF EXISTS incidents_stats_date;
