-- Training compliance (Raised Bill 5476, Sec. 1(c), 3(7), 4, 5, 8(b)(2), 10(b)):
-- the curriculum, the workforce it applies to, and the completions agencies'
-- learning management systems report (by API, CSV or xAPI).

-- The Foundation agency code an organisation reports for. A reporter key
-- manages only the workforce of its organisation's agency (none while NULL).
ALTER TABLE organisations ADD COLUMN agency text;

CREATE TABLE courses (
    id uuid PRIMARY KEY,
    code text NOT NULL UNIQUE,
    title text NOT NULL,
    version text NOT NULL,
    format text NOT NULL CHECK (format IN ('recorded', 'in_person', 'live_online')),
    duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 600),
    recording_url text,
    topics text[] NOT NULL CHECK (cardinality(topics) BETWEEN 1 AND 4),
    -- [{agency, description}]: how an agency adapts the course to its work.
    adaptations jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workforce (
    id uuid PRIMARY KEY,
    agency text NOT NULL,
    population text NOT NULL CHECK (population IN
        ('dcf_employee', 'dcf_contracted_provider', 'cssd_employee', 'law_enforcement', 'other')),
    employee_ref text NOT NULL,
    name text,
    role text,
    start_date date NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency, employee_ref)
);

CREATE INDEX workforce_population ON workforce (population, agency);

CREATE TABLE completions (
    id uuid PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES workforce (id),
    course_id uuid REFERENCES courses (id),
    completed_on date NOT NULL,
    -- Copied from the course when recorded: a later course edit does not
    -- rewrite what a completion covered.
    topics text[] NOT NULL,
    source text NOT NULL CHECK (source IN ('api', 'csv', 'xapi')),
    -- The xAPI statement that recorded it (idempotency, voiding).
    statement_id text UNIQUE,
    voided boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX completions_person ON completions (person_id, completed_on);

-- Every xAPI statement received, whatever its verb (xAPI 1.0.3: an LRS stores
-- what it is sent). Only `completed` / `passed` make a completion; `voided`
-- retracts one.
CREATE TABLE xapi_statements (
    id text PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    agency text NOT NULL,
    employee_ref text NOT NULL,
    verb text NOT NULL,
    object_id text NOT NULL,
    statement jsonb NOT NULL,
    voided boolean NOT NULL DEFAULT false,
    stored_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX xapi_statements_voiding ON xapi_statements (object_id) WHERE verb = 'http://adlnet.gov/expapi/verbs/voided';
