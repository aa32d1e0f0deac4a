DROP TRIGGER incidents_stats_rollups ON incidents;
CREATE TRIGGER incidents_stats_rollups
    AFTER INSERT OR DELETE OR UPDATE OF incident_date, town, county, planning_region, judicial_district, dcf_region,
        status, venue, trafficking_types, victim_count, minor_involved, dcf_notified
    ON incidents FOR EACH ROW EXECUTE FUNCTION stats_rollups_incidents_trigger();
DROP FUNCTION stats_victim_apply(victims, incidents, integer);
DROP FUNCTION stats_incident_apply(incidents, integer);
ALTER FUNCTION stats_victim_apply_counted(victims, incidents, integer) RENAME TO stats_victim_apply;
ALTER FUNCTION stats_incident_apply_counted(incidents, integer) RENAME TO stats_incident_apply;
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
    FROM incidents;
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
DROP TABLE incident_versions;
ALTER TABLE incidents
    DROP CONSTRAINT incidents_withdrawn_whole,
    DROP COLUMN withdrawn_at,
    DROP COLUMN withdrawn_reason,
    DROP COLUMN version;
-- Withdrawn incidents count again.
SELECT stats_rollups_rebuild();
