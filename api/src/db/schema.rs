// Diesel table definitions, kept in step with `migrations/` by hand (the
// integration tests fail on any mismatch because every column is read).

diesel::table! {
    organisations (id) {
        id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        role -> Text,
        key_hash -> Bytea,
        prefix -> Text,
        origins -> Array<Text>,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    incidents (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        schema_version -> Text,
        reporting_agency -> Text,
        agency_case_ref -> Nullable<Text>,
        status -> Text,
        incident_date -> Date,
        reported_date -> Date,
        town -> Text,
        county -> Nullable<Text>,
        planning_region -> Nullable<Text>,
        judicial_district -> Nullable<Text>,
        dcf_region -> Nullable<SmallInt>,
        trafficking_types -> Array<Text>,
        nibrs_offenses -> Array<Text>,
        venue -> Nullable<Text>,
        control_methods -> Array<Text>,
        dcf_notified -> Bool,
        law_enforcement_agency -> Nullable<Text>,
        minor_involved -> Bool,
        victim_count -> Integer,
        key_id -> Text,
        wrapped_data_key -> Bytea,
        narrative_sealed -> Nullable<Bytea>,
        received_at -> Timestamptz,
        closed_at -> Nullable<Timestamptz>,
        sealed_purged_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    victims (id) {
        id -> Uuid,
        incident_id -> Uuid,
        ordinal -> Integer,
        age -> Nullable<SmallInt>,
        sex -> Text,
        citizenship -> Nullable<Text>,
        language -> Nullable<Text>,
        relationship_to_trafficker -> Nullable<Text>,
        services_needed -> Array<Text>,
        minor -> Bool,
        identity_sealed -> Nullable<Bytea>,
        identity_index -> Nullable<Bytea>,
    }
}

diesel::joinable!(api_keys -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(api_keys, organisations);
diesel::allow_tables_to_appear_in_same_query!(incidents, victims);
diesel::joinable!(incidents -> organisations (organisation_id));
diesel::joinable!(victims -> incidents (incident_id));

diesel::table! {
    audit_log (seq) {
        seq -> Int8,
        id -> Uuid,
        at -> Timestamptz,
        request_id -> Nullable<Text>,
        key_id -> Nullable<Uuid>,
        organisation_id -> Nullable<Uuid>,
        role -> Nullable<Text>,
        action -> Text,
        resource -> Text,
        resource_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        outcome -> Text,
        prev_hash -> Bytea,
        hash -> Bytea,
    }
}
