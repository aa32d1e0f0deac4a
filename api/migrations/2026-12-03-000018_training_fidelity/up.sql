-- Training as written (Raised Bill 5476, Sec. 3(7), 4, 5, 10(b)).

-- What a course trains (Sec. 3(7) names two trainings: "the training in the
-- prevention, identification and effects of family violence" and "the
-- training on human trafficking") and which program of Sec. 4(b) / 5(b) it
-- is ("the initial educational training program", "the refresher training
-- program"). Every course so far was the curriculum's, good for either.
ALTER TABLE courses
    ADD COLUMN subject text NOT NULL DEFAULT 'human_trafficking'
        CHECK (subject IN ('human_trafficking', 'family_violence')),
    ADD COLUMN kind text NOT NULL DEFAULT 'either'
        CHECK (kind IN ('initial', 'refresher', 'either'));
-- A family-violence course covers none of the trafficking topics.
ALTER TABLE courses DROP CONSTRAINT courses_topics_check;
ALTER TABLE courses ADD CONSTRAINT courses_topics_check CHECK (
    (subject = 'human_trafficking' AND cardinality(topics) BETWEEN 1 AND 4)
    OR (subject = 'family_violence' AND cardinality(topics) = 0));

-- Copied from the course when recorded, as the topics are.
ALTER TABLE completions
    ADD COLUMN subject text NOT NULL DEFAULT 'human_trafficking'
        CHECK (subject IN ('human_trafficking', 'family_violence')),
    ADD COLUMN kind text NOT NULL DEFAULT 'either'
        CHECK (kind IN ('initial', 'refresher', 'either'));
UPDATE completions c SET subject = co.subject, kind = co.kind FROM courses co WHERE co.id = c.course_id;

-- The providers "that provide services pursuant to a contract with the
-- department" (Sec. 4(a)); their staff's six months run from "entering into
-- a contract with the department" (Sec. 4(b)).
CREATE TABLE contracted_providers (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    contract_start date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE workforce ADD COLUMN provider_id uuid REFERENCES contracted_providers (id);
CREATE INDEX workforce_provider ON workforce (provider_id) WHERE provider_id IS NOT NULL;

-- "prior to being assigned a case load" (Sec. 3(7)): the days a person was
-- assigned one, to find trainees who hold a caseload without the training.
CREATE TABLE caseload_assignments (
    id uuid PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES workforce (id),
    assigned_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (person_id, assigned_on)
);
