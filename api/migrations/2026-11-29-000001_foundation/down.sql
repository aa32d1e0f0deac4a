DROP TABLE victims;
DROP TABLE incidents;
DROP TABLE api_keys;
DROP TABLE organisations;
