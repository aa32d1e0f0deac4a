// Diesel table definitions, kept in step with `migrations/` by hand (the
// integration tests fail on any mismatch because every column is read).

diesel::table! {
    accounts (id) {
        id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
        /// The Foundation agency code the account reports for (training migration).
        agency -> Nullable<Text>,
        /// The directory organization a `provider` key of the account answers for (migration
        /// 2026-12-04-000023_referral_lifecycle).
        directory_organization_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Uuid,
        account_id -> Uuid,
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
        account_id -> Uuid,
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
        wrapped_data_key -> Nullable<Bytea>,
        narrative_sealed -> Nullable<Bytea>,
        received_at -> Timestamptz,
        closed_at -> Nullable<Timestamptz>,
        sealed_purged_at -> Nullable<Timestamptz>,
        /// The ETag; moved on by every correction or withdrawal (migration 000017).
        version -> Integer,
        withdrawn_reason -> Nullable<Text>,
        withdrawn_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Every change to an incident after it was received (migration 000017).
    incident_versions (incident_id, version) {
        incident_id -> Uuid,
        version -> Integer,
        changed_at -> Timestamptz,
        key_id -> Nullable<Uuid>,
        account_id -> Nullable<Uuid>,
        role -> Text,
        action -> Text,
        changed_fields -> Array<Text>,
        withdrawn_reason -> Nullable<Text>,
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
        age_band -> Nullable<Text>,
    }
}

diesel::joinable!(api_keys -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(api_keys, accounts);
diesel::allow_tables_to_appear_in_same_query!(incidents, victims);
diesel::joinable!(incidents -> accounts (account_id));
diesel::joinable!(victims -> incidents (incident_id));
diesel::joinable!(incident_versions -> incidents (incident_id));

diesel::table! {
    audit_log (seq) {
        seq -> Int8,
        id -> Uuid,
        at -> Timestamptz,
        request_id -> Nullable<Text>,
        key_id -> Nullable<Uuid>,
        account_id -> Nullable<Uuid>,
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

diesel::table! {
    intake_submissions (id) {
        id -> Uuid,
        account_id -> Uuid,
        api_key_id -> Uuid,
        reference -> Text,
        idempotency_key -> Text,
        request_hash -> Bytea,
        received_at -> Timestamptz,
        status -> Text,
        town -> Nullable<Text>,
        county -> Nullable<Text>,
        planning_region -> Nullable<Text>,
        judicial_district -> Nullable<Text>,
        dcf_region -> Nullable<SmallInt>,
        concern_types -> Array<Text>,
        age_group -> Text,
        needs -> Array<Text>,
        safe_to_contact -> Bool,
        consent_to_share -> Bool,
        preferred_language -> Nullable<Text>,
        minor_involved -> Bool,
        dcf_notified_at -> Nullable<Timestamptz>,
        converted_incident_id -> Nullable<Uuid>,
        key_id -> Text,
        wrapped_data_key -> Nullable<Bytea>,
        contact_sealed -> Nullable<Bytea>,
        notes_sealed -> Nullable<Bytea>,
        updated_at -> Timestamptz,
        consent_withdrawn_on -> Nullable<Date>,
        consent_withdrawn_at -> Nullable<Timestamptz>,
        sealed_purged_at -> Nullable<Timestamptz>,
        // Migration 2026-12-03-000021_intake_scripted.
        scripted_reasons -> Array<Text>,
    }
}

diesel::joinable!(intake_submissions -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(intake_submissions, accounts);

// DCF's response to a minor (migration 2026-12-03-000016_intake_fidelity): one per submission
// or incident.
diesel::table! {
    dcf_responses (id) {
        id -> Uuid,
        submission_id -> Nullable<Uuid>,
        incident_id -> Nullable<Uuid>,
        response -> Text,
        reason -> Nullable<Text>,
        responded_on -> Date,
        recorded_at -> Timestamptz,
        api_key_id -> Nullable<Uuid>,
    }
}

diesel::joinable!(dcf_responses -> intake_submissions (submission_id));
diesel::joinable!(dcf_responses -> incidents (incident_id));
diesel::allow_tables_to_appear_in_same_query!(dcf_responses, intake_submissions);
diesel::allow_tables_to_appear_in_same_query!(dcf_responses, accounts);
diesel::allow_tables_to_appear_in_same_query!(dcf_responses, incidents);

// Training compliance (migration 2026-11-29-000005_training). That migration
// also adds `accounts.agency`, read through `db::training` (not declared on
// `accounts` above, so nothing else that loads whole account rows changes).

diesel::table! {
    courses (id) {
        id -> Uuid,
        code -> Text,
        title -> Text,
        version -> Text,
        format -> Text,
        duration_minutes -> Integer,
        recording_url -> Nullable<Text>,
        topics -> Array<Text>,
        adaptations -> Jsonb,
        created_at -> Timestamptz,
        subject -> Text,
        kind -> Text,
    }
}

diesel::table! {
    workforce (id) {
        id -> Uuid,
        agency -> Text,
        population -> Text,
        employee_ref -> Text,
        name -> Nullable<Text>,
        role -> Nullable<Text>,
        start_date -> Date,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        town -> Nullable<Text>,
        provider_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    completions (id) {
        id -> Uuid,
        person_id -> Uuid,
        course_id -> Nullable<Uuid>,
        completed_on -> Date,
        topics -> Array<Text>,
        source -> Text,
        statement_id -> Nullable<Text>,
        voided -> Bool,
        created_at -> Timestamptz,
        subject -> Text,
        kind -> Text,
    }
}

diesel::table! {
    xapi_statements (id) {
        id -> Text,
        account_id -> Uuid,
        agency -> Text,
        employee_ref -> Text,
        verb -> Text,
        object_id -> Text,
        statement -> Jsonb,
        voided -> Bool,
        stored_at -> Timestamptz,
    }
}

diesel::joinable!(completions -> workforce (person_id));
diesel::joinable!(completions -> courses (course_id));
diesel::allow_tables_to_appear_in_same_query!(completions, workforce, courses);

// Migration 000018: DCF-contracted providers and caseload assignments (Sec. 3(7), 4(b)).
diesel::table! {
    contracted_providers (id) {
        id -> Uuid,
        name -> Text,
        contract_start -> Date,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    caseload_assignments (id) {
        id -> Uuid,
        person_id -> Uuid,
        assigned_on -> Date,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(workforce -> contracted_providers (provider_id));
diesel::joinable!(caseload_assignments -> workforce (person_id));
diesel::allow_tables_to_appear_in_same_query!(workforce, contracted_providers, caseload_assignments);

diesel::table! {
    directory_organizations (id) {
        id -> Uuid,
        name -> Text,
        description -> Text,
        email -> Nullable<Text>,
        url -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    directory_services (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        description -> Text,
        status -> Text,
        categories -> Array<Text>,
        min_age -> Nullable<Int4>,
        max_age -> Nullable<Int4>,
        populations -> Array<Text>,
        languages -> Array<Text>,
        capacity_unit -> Nullable<Text>,
        capacity_available -> Nullable<Int4>,
        capacity_total -> Nullable<Int4>,
        capacity_updated_at -> Nullable<Timestamptz>,
        verified_at -> Nullable<Timestamptz>,
        verified_by -> Nullable<Text>,
        verification_method -> Nullable<Text>,
        training_attested -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    directory_locations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        confidential -> Bool,
        address_1 -> Nullable<Text>,
        city -> Text,
        postal_code -> Nullable<Text>,
        town -> Text,
        latitude -> Nullable<Float8>,
        longitude -> Nullable<Float8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    directory_service_at_location (id) {
        id -> Uuid,
        service_id -> Uuid,
        location_id -> Uuid,
    }
}

diesel::table! {
    directory_service_areas (service_id, town) {
        service_id -> Uuid,
        town -> Text,
    }
}

diesel::table! {
    directory_funding (id) {
        id -> Uuid,
        service_id -> Uuid,
        source -> Text,
        amount_cents -> Nullable<Int8>,
        period_start -> Nullable<Date>,
        period_end -> Nullable<Date>,
    }
}

diesel::table! {
    directory_phones (id) {
        id -> Uuid,
        service_id -> Uuid,
        number -> Text,
        phone_type -> Text,
        extension -> Nullable<Text>,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    directory_referrals (id) {
        id -> Uuid,
        service_id -> Uuid,
        category -> Text,
        town -> Text,
        referred_on -> Date,
        account_id -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        // The lifecycle (migration 2026-12-04-000023_referral_lifecycle).
        status -> Text,
        decline_reason -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
        accepted_at -> Nullable<Timestamptz>,
        declined_at -> Nullable<Timestamptz>,
        service_started_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        withdrawn_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(directory_services -> directory_organizations (organization_id));
diesel::joinable!(directory_service_at_location -> directory_locations (location_id));
diesel::allow_tables_to_appear_in_same_query!(directory_services, directory_organizations);
diesel::allow_tables_to_appear_in_same_query!(directory_service_at_location, directory_locations);
diesel::joinable!(directory_referrals -> directory_services (service_id));
diesel::allow_tables_to_appear_in_same_query!(directory_referrals, directory_services);

diesel::table! {
    report_activities (id) {
        id -> Uuid,
        activity_date -> Date,
        kind -> Text,
        agencies -> Array<Text>,
        description -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    report_recommendations (id) {
        id -> Uuid,
        report_year -> Int4,
        kind -> Text,
        status -> Text,
        body -> Text,
        finding -> Nullable<Text>,
        committee -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    report_snapshots (id) {
        id -> Uuid,
        kind -> Text,
        year -> Int4,
        as_of -> Date,
        report -> Jsonb,
        html -> Text,
        created_at -> Timestamptz,
    }
}

// Standardized screenings (migration 2026-12-03-000022_screenings): answers sealed.
diesel::table! {
    screenings (id) {
        id -> Uuid,
        account_id -> Uuid,
        api_key_id -> Uuid,
        instrument -> Text,
        instrument_version -> Integer,
        result -> Text,
        fired -> Array<Text>,
        key_id -> Text,
        wrapped_data_key -> Bytea,
        answers_sealed -> Nullable<Bytea>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(screenings -> accounts (account_id));
