-- The Connecticut town of the office a person works from (canonical name, as
-- in core/data/ct-towns.csv). Optional: rosters without it still import, and
-- the compliance report's region filters leave people without a town out.
ALTER TABLE workforce ADD COLUMN town text;

CREATE INDEX workforce_town ON workforce (town);
