-- Standardized screenings (Sec. 8(b)(4)): the instrument and version answered, the result and
-- the rules that fired; the answers themselves (item codes and answer codes, no free text) are
-- sealed under the record's own data key, like an intake's contact details.
CREATE TABLE screenings (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    api_key_id uuid NOT NULL REFERENCES api_keys (id),
    instrument text NOT NULL,
    instrument_version integer NOT NULL CHECK (instrument_version >= 1),
    result text NOT NULL CHECK (result IN ('negative', 'possible', 'positive')),
    fired text[] NOT NULL,
    key_id text NOT NULL,
    wrapped_data_key bytea NOT NULL,
    answers_sealed bytea,
    created_at timestamptz NOT NULL
);

CREATE INDEX screenings_account_created ON screenings (account_id, created_at DESC);
