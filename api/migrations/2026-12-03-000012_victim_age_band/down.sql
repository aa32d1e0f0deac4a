ALTER TABLE victims DROP COLUMN age_band;
