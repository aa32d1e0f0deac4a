-- Monthly rollups for the statistics (issue 10: every named query under 150 ms
-- on a million incidents). A year of incidents is ~330,000 rows to group; the
-- same year as months × the dimensions the statistics group or filter by is a
-- few tens of thousands. `api/src/db/stats.rs` counts from the smallest rollup
-- that holds every dimension a request needs, when its period is whole months,
-- and from the raw tables otherwise. The rollups are kept exact by the
-- triggers below in the same transaction as the write, so an answer from a
-- rollup is the answer the raw tables give (a suite test compares them).

-- A record's trafficking types as a set: sorted, each once, so that two
-- incidents of the same types share a rollup row (the raw count unnests
-- DISTINCT, so repeats never counted twice there either).
CREATE FUNCTION stats_types(types text[]) RETURNS text[] IMMUTABLE PARALLEL SAFE LANGUAGE sql AS
$$ SELECT CASE WHEN cardinality(types) <= 1 THEN COALESCE(types, '{}'::text[])
     ELSE (SELECT array_agg(DISTINCT t ORDER BY t) FROM unnest(types) AS t) END $$;

-- A victim's age band as `beacon_core::stats::query` bands the raw key
-- `COALESCE(age::text, age_band, '')`: the age's band (`age_band`), else the
-- stored band, else `unknown`. Core owns the rule; the suite test
-- `stats_rollups::sql_age_band_is_cores` checks this copy against
-- `beacon_core::stats::query::age_band` for every age.
CREATE FUNCTION stats_age_band(age smallint, band text) RETURNS text IMMUTABLE PARALLEL SAFE LANGUAGE sql AS
$$ SELECT CASE
     WHEN age IS NULL THEN COALESCE(band, 'unknown')
     WHEN age < 0 THEN 'unknown'
     WHEN age <= 11 THEN 'under_12'
     WHEN age <= 17 THEN '12_17'
     WHEN age <= 24 THEN '18_24'
     WHEN age <= 59 THEN '25_59'
     WHEN age <= 255 THEN '60_plus'
     ELSE 'unknown' END $$;

-- Incidents and the victims they involve (`victim_count`) by month, place,
-- status and set of types; the same with the venue (a second, larger table:
-- a request without venue reads the smaller one). The regions ride along with
-- the town (they are derived from it) so the coordinator's region filters
-- need no join.
CREATE TABLE stats_incident_months (
    month date NOT NULL,
    town text NOT NULL,
    county text,
    planning_region text,
    judicial_district text,
    dcf_region smallint,
    status text NOT NULL,
    trafficking_types text[] NOT NULL,
    incidents bigint NOT NULL,
    victims bigint NOT NULL
);
CREATE UNIQUE INDEX stats_incident_months_key ON stats_incident_months
    (month, town, county, planning_region, judicial_district, dcf_region, status, trafficking_types) NULLS NOT DISTINCT;

CREATE TABLE stats_incident_venue_months (
    month date NOT NULL,
    town text NOT NULL,
    county text,
    planning_region text,
    judicial_district text,
    dcf_region smallint,
    status text NOT NULL,
    venue text,
    trafficking_types text[] NOT NULL,
    incidents bigint NOT NULL,
    victims bigint NOT NULL
);
CREATE UNIQUE INDEX stats_incident_venue_months_key ON stats_incident_venue_months
    (month, town, county, planning_region, judicial_district, dcf_region, status, venue, trafficking_types) NULLS NOT DISTINCT;

-- Incidents by month, status, minor involved and DCF notified (the annual
-- report's Sec. 10(a) table).
CREATE TABLE stats_incident_minor_months (
    month date NOT NULL,
    status text NOT NULL,
    minor_involved boolean NOT NULL,
    dcf_notified boolean NOT NULL,
    incidents bigint NOT NULL
);
CREATE UNIQUE INDEX stats_incident_minor_months_key ON stats_incident_minor_months
    (month, status, minor_involved, dcf_notified);

-- Victim records by month, status and the victim's traits, statewide.
CREATE TABLE stats_victim_months (
    month date NOT NULL,
    status text NOT NULL,
    sex text NOT NULL,
    age_band text NOT NULL,
    citizenship text,
    trafficking_types text[] NOT NULL,
    victims bigint NOT NULL
);
CREATE UNIQUE INDEX stats_victim_months_key ON stats_victim_months
    (month, status, sex, age_band, citizenship, trafficking_types) NULLS NOT DISTINCT;

-- Victim records by month, place, status, age band and set of types.
CREATE TABLE stats_victim_town_months (
    month date NOT NULL,
    town text NOT NULL,
    county text,
    planning_region text,
    judicial_district text,
    dcf_region smallint,
    status text NOT NULL,
    age_band text NOT NULL,
    trafficking_types text[] NOT NULL,
    victims bigint NOT NULL
);
CREATE UNIQUE INDEX stats_victim_town_months_key ON stats_victim_town_months
    (month, town, county, planning_region, judicial_district, dcf_region, status, age_band, trafficking_types) NULLS NOT DISTINCT;

-- Services victims need, by month and place, whatever the status (the
-- directory's demand, `db::directory::gaps::victim_demand`): one per item of
-- `services_needed`, as the raw count unnests it.
CREATE TABLE stats_victim_need_months (
    month date NOT NULL,
    town text NOT NULL,
    county text,
    planning_region text,
    judicial_district text,
    dcf_region smallint,
    need text NOT NULL,
    victims bigint NOT NULL
);
CREATE UNIQUE INDEX stats_victim_need_months_key ON stats_victim_need_months
    (month, town, county, planning_region, judicial_district, dcf_region, need) NULLS NOT DISTINCT;

-- Adds (sign 1) or takes away (sign -1) one incident. A row that reaches
-- zero is deleted, so a rollup holds what the raw table holds and no more.
-- ON CONFLICT makes the add atomic under concurrent writers; the delete is of
-- the row version just written, which this transaction has locked.
CREATE FUNCTION stats_incident_apply(i incidents, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
    at_month date := date_trunc('month', i.incident_date)::date;
    type_set text[] := stats_types(i.trafficking_types);
BEGIN
    INSERT INTO stats_incident_months AS s
        (month, town, county, planning_region, judicial_district, dcf_region, status, trafficking_types, incidents, victims)
    VALUES (at_month, i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, i.status, type_set, sign, sign * i.victim_count)
    ON CONFLICT (month, town, county, planning_region, judicial_district, dcf_region, status, trafficking_types)
    DO UPDATE SET incidents = s.incidents + excluded.incidents, victims = s.victims + excluded.victims
    RETURNING s.ctid AS at, s.incidents AS n INTO r;
    IF r.n = 0 THEN
        DELETE FROM stats_incident_months WHERE ctid = r.at;
    END IF;
    INSERT INTO stats_incident_venue_months AS s
        (month, town, county, planning_region, judicial_district, dcf_region, status, venue, trafficking_types, incidents, victims)
    VALUES (at_month, i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, i.status, i.venue, type_set,
            sign, sign * i.victim_count)
    ON CONFLICT (month, town, county, planning_region, judicial_district, dcf_region, status, venue, trafficking_types)
    DO UPDATE SET incidents = s.incidents + excluded.incidents, victims = s.victims + excluded.victims
    RETURNING s.ctid AS at, s.incidents AS n INTO r;
    IF r.n = 0 THEN
        DELETE FROM stats_incident_venue_months WHERE ctid = r.at;
    END IF;
    INSERT INTO stats_incident_minor_months AS s (month, status, minor_involved, dcf_notified, incidents)
    VALUES (at_month, i.status, i.minor_involved, i.dcf_notified, sign)
    ON CONFLICT (month, status, minor_involved, dcf_notified)
    DO UPDATE SET incidents = s.incidents + excluded.incidents
    RETURNING s.ctid AS at, s.incidents AS n INTO r;
    IF r.n = 0 THEN
        DELETE FROM stats_incident_minor_months WHERE ctid = r.at;
    END IF;
END $$;

-- Adds or takes away one victim record of incident `i`, in every victim rollup.
CREATE FUNCTION stats_victim_apply(v victims, i incidents, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
    item text;
    at_month date := date_trunc('month', i.incident_date)::date;
    band text := stats_age_band(v.age, v.age_band);
    type_set text[] := stats_types(i.trafficking_types);
BEGIN
    INSERT INTO stats_victim_months AS s (month, status, sex, age_band, citizenship, trafficking_types, victims)
    VALUES (at_month, i.status, v.sex, band, v.citizenship, type_set, sign)
    ON CONFLICT (month, status, sex, age_band, citizenship, trafficking_types)
    DO UPDATE SET victims = s.victims + excluded.victims
    RETURNING s.ctid AS at, s.victims AS n INTO r;
    IF r.n = 0 THEN
        DELETE FROM stats_victim_months WHERE ctid = r.at;
    END IF;
    INSERT INTO stats_victim_town_months AS s
        (month, town, county, planning_region, judicial_district, dcf_region, status, age_band, trafficking_types, victims)
    VALUES (at_month, i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, i.status, band, type_set, sign)
    ON CONFLICT (month, town, county, planning_region, judicial_district, dcf_region, status, age_band, trafficking_types)
    DO UPDATE SET victims = s.victims + excluded.victims
    RETURNING s.ctid AS at, s.victims AS n INTO r;
    IF r.n = 0 THEN
        DELETE FROM stats_victim_town_months WHERE ctid = r.at;
    END IF;
    FOREACH item IN ARRAY v.services_needed LOOP
        INSERT INTO stats_victim_need_months AS s
            (month, town, county, planning_region, judicial_district, dcf_region, need, victims)
        VALUES (at_month, i.town, i.county, i.planning_region, i.judicial_district, i.dcf_region, item, sign)
        ON CONFLICT (month, town, county, planning_region, judicial_district, dcf_region, need)
        DO UPDATE SET victims = s.victims + excluded.victims
        RETURNING s.ctid AS at, s.victims AS n INTO r;
        IF r.n = 0 THEN
            DELETE FROM stats_victim_need_months WHERE ctid = r.at;
        END IF;
    END LOOP;
END $$;

-- An incident written: its own rows, and (on update) its victims, who are
-- classified by the incident's month, place, status and types.
CREATE FUNCTION stats_rollups_incidents_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM stats_incident_apply(OLD, -1);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM stats_victim_apply(v, OLD, -1) FROM victims v WHERE v.incident_id = OLD.id;
        PERFORM stats_victim_apply(v, NEW, 1) FROM victims v WHERE v.incident_id = NEW.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stats_incident_apply(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

-- An incident about to be deleted takes its victims out of the rollups while
-- they are still there to read: the cascade deletes them after the incident
-- is gone, when the victims' trigger can no longer classify them.
CREATE FUNCTION stats_rollups_victims_gone_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_victim_apply(v, OLD, -1) FROM victims v WHERE v.incident_id = OLD.id;
    RETURN OLD;
END $$;

-- A victim written, classified by its incident as it stands. The incident is
-- read FOR SHARE: a concurrent update of the incident (which moves all its
-- victims in the rollups) then waits for this one, or this one for it, so the
-- two never both move the same victim from a stale incident.
CREATE FUNCTION stats_rollups_victims_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i incidents;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT * INTO i FROM incidents WHERE id = OLD.incident_id FOR SHARE;
        -- No incident: deleted with it, and already taken out (see above).
        IF FOUND THEN
            PERFORM stats_victim_apply(OLD, i, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT * INTO i FROM incidents WHERE id = NEW.incident_id FOR SHARE;
        IF FOUND THEN
            PERFORM stats_victim_apply(NEW, i, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_stats_rollups
    AFTER INSERT OR DELETE OR UPDATE OF incident_date, town, county, planning_region, judicial_district, dcf_region,
        status, venue, trafficking_types, victim_count, minor_involved, dcf_notified
    ON incidents FOR EACH ROW EXECUTE FUNCTION stats_rollups_incidents_trigger();
CREATE TRIGGER incidents_stats_rollups_victims_gone
    BEFORE DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION stats_rollups_victims_gone_trigger();
CREATE TRIGGER victims_stats_rollups
    AFTER INSERT OR DELETE OR UPDATE OF incident_id, age, age_band, sex, citizenship, services_needed
    ON victims FOR EACH ROW EXECUTE FUNCTION stats_rollups_victims_trigger();

-- The rollups made anew from the raw tables: after a bulk load with the
-- triggers off (`cargo xtask seed`), and below to fill them. The rollups are
-- locked first, so a write whose trigger already ran is committed (and seen)
-- before they are emptied, and a later one waits and applies on top. Rows go
-- in month order, so a period's months sit together on disk.
CREATE FUNCTION stats_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
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

SELECT stats_rollups_rebuild();
