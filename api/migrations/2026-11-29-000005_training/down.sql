DROP TABLE xapi_statements;
DROP TABLE completions;
DROP TABLE workforce;
DROP TABLE courses;
ALTER TABLE organisations DROP COLUMN agency;
