-- The registers the coordinator's annual report is built from (Raised Bill
-- 5476, Sec. 1(f): "the activities of the coordinator during the prior year,
-- any recommendations and any recommendations for legislation"). Codes are
-- checked by beacon-core; the CHECKs here only keep hand-made rows sane.
-- `version` is the ETag: an edit names the version it read.

CREATE TABLE report_activities (
    id uuid PRIMARY KEY,
    activity_date date NOT NULL,
    kind text NOT NULL,
    agencies text[] NOT NULL CHECK (cardinality(agencies) >= 1),
    description text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The report and the list read a year's activities.
CREATE INDEX report_activities_date ON report_activities (activity_date);

CREATE TABLE report_recommendations (
    id uuid PRIMARY KEY,
    report_year integer NOT NULL CHECK (report_year >= 2026),
    kind text NOT NULL CHECK (kind IN ('administrative', 'legislative')),
    status text NOT NULL,
    body text NOT NULL,
    finding text,
    committee text CHECK (committee IS NULL OR kind = 'legislative'),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX report_recommendations_year ON report_recommendations (report_year, created_at);
