DROP TABLE directory_funding;
DROP TABLE directory_service_areas;
DROP TABLE directory_service_at_location;
DROP TABLE directory_locations;
DROP TABLE directory_services;
DROP TABLE directory_organizations;
