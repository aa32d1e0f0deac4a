-- The intake's age group, kept on the victim when the exact age is unknown, so a
-- converted minor's submission stays a minor's incident (Sec. 10) and the
-- statistics can count by band. NULL: no band was given (or it was `unknown`).
ALTER TABLE victims ADD COLUMN age_band text
    CHECK (age_band IN ('under_12', '12_17', '18_24', '25_59', '60_plus'));
