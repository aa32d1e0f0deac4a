-- Indexes for the statistics aggregates (`api/src/db/stats.rs`): each
-- request is one grouped count over a date range, so the range is the
-- index's key and the columns the count groups or filters by ride along,
-- letting PostgreSQL answer from the index where the visibility map allows.

-- Incidents of a period by status, town, venue and the victims they involve.
CREATE INDEX incidents_stats_date ON incidents (incident_date)
    INCLUDE (status, town, venue, victim_count);

-- Victims of the incidents a period selects (the victims subject joins on it).
CREATE INDEX victims_incident ON victims (incident_id);

-- Intake of a period, dated by the state's day as the statistics date it.
CREATE INDEX intake_stats_day ON intake_submissions (((received_at AT TIME ZONE 'America/New_York')::date));

-- The trafficking types are unnested per row, not searched, so no GIN index:
-- a `@>` filter on them would want one, and none is offered yet.
