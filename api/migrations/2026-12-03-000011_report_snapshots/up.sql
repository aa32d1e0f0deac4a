-- A frozen copy of a report as built on one day: what was submitted to the
-- General Assembly stays on file exactly, while the registers and the
-- incident counts behind the live report keep changing. Both forms are
-- kept, so the HTML on file is the HTML that was sent.
CREATE TABLE report_snapshots (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('coordinator')),
    year integer NOT NULL,
    as_of date NOT NULL,
    report jsonb NOT NULL,
    html text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX report_snapshots_kind_year ON report_snapshots (kind, year, created_at);
