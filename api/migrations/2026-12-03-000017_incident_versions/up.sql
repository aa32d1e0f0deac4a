-- Corrections and withdrawals of incident reports (issue 11, Sec. 1(d)).
--
-- `version` is the incident's ETag: a correction or withdrawal names it in
-- If-Match and moves it on. `withdrawn_reason`/`withdrawn_at` mark a report
-- its agency withdrew (`beacon_core::incident::correction::WithdrawalReason`):
-- kept on file, counted nowhere. It is not a status: the agency's suspected or
-- confirmed stays as it said, and a reinstated report counts as before.
ALTER TABLE incidents
    ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN withdrawn_reason text,
    ADD COLUMN withdrawn_at timestamptz,
    ADD CONSTRAINT incidents_withdrawn_whole CHECK ((withdrawn_reason IS NULL) = (withdrawn_at IS NULL));

-- Every change after the report as received (version 1, which the incident's
-- own row dates and attributes): who, when, what kind of change and which
-- fields, as JSON Pointers. A sealed field (the narrative, a victim's
-- identity) is named when it changed; no value of any field is kept here, so
-- nothing sealed can leak through the history.
CREATE TABLE incident_versions (
    incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    version integer NOT NULL CHECK (version >= 2),
    changed_at timestamptz NOT NULL,
    key_id uuid,
    account_id uuid,
    role text NOT NULL,
    action text NOT NULL CHECK (action IN ('corrected', 'withdrawn', 'reinstated')),
    changed_fields text[] NOT NULL,
    withdrawn_reason text,
    PRIMARY KEY (incident_id, version)
);

-- A withdrawn incident is in no rollup: the functions that add or take away
-- an incident or a victim do nothing for one, so withdrawing (an update of
-- `withdrawn_at`, which the trigger below now watches) takes the incident and
-- its victims out, reinstating puts them back, and a correction moves them as
-- any update does. The functions of migration 000015 do the counting, renamed.
ALTER FUNCTION stats_incident_apply(incidents, integer) RENAME TO stats_incident_apply_counted;
ALTER FUNCTION stats_victim_apply(victims, incidents, integer) RENAME TO stats_victim_apply_counted;

CREATE FUNCTION stats_incident_apply(i incidents, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF i.withdrawn_at IS NULL THEN
        PERFORM stats_incident_apply_counted(i, sign);
    END IF;
END $$;

CREATE FUNCTION stats_victim_apply(v victims, i incidents, sign integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF i.withdrawn_at IS NULL THEN
        PERFORM stats_victim_apply_counted(v, i, sign);
    END IF;
END $$;

DROP TRIGGER incidents_stats_rollups ON incidents;
CREATE TRIGGER incidents_stats_rollups
    AFTER INSERT OR DELETE OR UPDATE OF incident_date, town, county, planning_region, judicial_district, dcf_region,
        status, venue, trafficking_types, victim_count, minor_involved, dcf_notified, withdrawn_at
    ON incidents FOR EACH ROW EXECUTE FUNCTION stats_rollups_incidents_trigger();

-- The rollups made anew count only incidents not withdrawn.
CREATE OR REPLACE FUNCTION stats_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE stats_incident_months, stats_incident_venue_months, stats_incident_minor_months,
        stats_victim_months, stats_victim_town_months, stats_victim_need_months IN ACCESS EXCLUSIVE MODE;
    TRUNCATE stats_incident_months, stats_incident_venue_months, stats_incident_minor_months,
        stats_victim_months, stats_victim_town_months, stats_victim_need_months;
    -- Each incident's month and set of types, worked out once for all six.
    DROP TABLE IF EXISTS pg_temp.stats_rebuild_incidents;
    CREATE TEMP TABLE stats_rebuild_incidents ON COMMIT DROP AS
    SELECT id, date_trunc('month', incident_date)::date AS month, town, county, planning_region, judicial_district, dcf_region,
           status, venue, stats_types(trafficking_types) AS trafficking_types, victim_count, minor_involved, dcf_notified
    FROM incidents WHERE withdrawn_at IS NULL;
    INSERT INTO stats_incident_venue_months
        (month, town, county, planning_region, judicial_district, dcf_region, status, venue, trafficking_types, incidents, victims)
    SELECT month, town, county, planning_region, judicial_district, dcf_region, status, venue, trafficking_types,
           count(*), COALESCE(sum(victim_count), 0)
    FROM stats_rebuild_incidents GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1;
    INSERT INTO stats_incident_months
        (month, town, county, planning_region, judicial_district, dcf_region, status, trafficking_types, incidents, victims)
    SELECT month, town, county, planning_region, judicial_district, dcf_region, status, trafficking_types, sum(incidents), sum(victims)
    FROM stats_incident_venue_months GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1;
    INSERT INTO stats_incident_minor_months (month, status, minor_involved, dcf_notified, incidents)
    SELECT month, status, minor_involved, dcf_notified, count(*) FROM stats_rebuild_incidents GROUP BY 1, 2, 3, 4 ORDER BY 1;
    INSERT INTO stats_victim_town_months
        (month, town, county, planning_region, judicial_district, dcf_region, status, age_band, trafficking_types, victims)
    SELECT i.month, i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, i.status,
           stats_age_band(v.age, v.age_band), i.trafficking_types, count(*)
    FROM victims v JOIN stats_rebuild_incidents i ON i.id = v.incident_id GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1;
    INSERT INTO stats_victim_months (month, status, sex, age_band, citizenship, trafficking_types, victims)
    SELECT i.month, i.status, v.sex, stats_age_band(v.age, v.age_band), v.citizenship, i.trafficking_types, count(*)
    FROM victims v JOIN stats_rebuild_incidents i ON i.id = v.incident_id GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1;
    INSERT INTO stats_victim_need_months (month, town, county, planning_region, judicial_district, dcf_region, need, victims)
    SELECT i.month, i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, need, count(*)
    FROM victims v JOIN stats_rebuild_incidents i ON i.id = v.incident_id, unnest(v.services_needed) AS need
    GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1;
    ANALYZE stats_incident_months, stats_incident_venue_months, stats_incident_minor_months,
        stats_victim_months, stats_victim_town_months, stats_victim_need_months;
END $$;
