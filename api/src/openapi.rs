//! The OpenAPI 3.1 document: assembled from the registered routes.

use crate::error::Problem;
use beacon_core::{ErrorCode, ValidationError};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Beacon API",
        description = "Human trafficking incident reporting for Connecticut (Raised Bill 5476, 2026). \
Errors are RFC 9457 problem+json with a stable `code` and, for 400/422, every broken rule as \
`errors: [{path, code, message}]` where `path` is an RFC 6901 JSON Pointer.",
        license(name = "Apache-2.0")
    ),
    // Relative, so the checked-in document serves wherever Beacon runs (and the drift test holds).
    servers((url = "/", description = "This server")),
    components(schemas(Problem, ValidationError, ErrorCode)),
    modifiers(&BearerAuth),
    tags(
        (name = "incidents", description = "Trafficking incident reports from state agencies"),
        (name = "reference", description = "Code lists and the town table"),
        (name = "intake", description = "Partner intake: submissions from the embeddable form, the coordinator's queue, consent and conversion to an incident"),
        (name = "victims", description = "Cross-agency victim counts from the blind index (nothing decrypted)"),
        (name = "audit", description = "The tamper-evident audit trail (auditors)"),
        (name = "admin", description = "API keys (admins)"),
        (name = "training", description = "The training curriculum, completions and compliance reporting (Sec. 1(c), 4, 5, 10(b))"),
        (name = "workforce", description = "Each agency's workforce under the training mandate: roster, compliance, caseload eligibility (Sec. 3(7))"),
        (name = "xapi", description = "xAPI 1.0.3 statements from agencies' learning management systems (Sec. 8(b)(2))"),
        (name = "directory", description = "The provider directory: organizations, services, vetting (Sec. 1(e), 8(b)(5)); coordinators"),
        (name = "hsds", description = "The provider directory as Open Referral HSDS 3.1 (public, no key; confidential addresses withheld)"),
        (name = "screening", description = "Standardized, trauma-informed screening (Sec. 8(b)(4)): versioned instruments scored by core, screenings stored with their answers sealed"),
        (name = "reports", description = "The coordinator's annual report to the General Assembly (Sec. 1(f)) and its registers of activities and recommendations"),
        (name = "stats", description = "Incident and victim counts with disclosure control (Sec. 1(d), 1(f), 8(b)(6)); the coordinator's and the public's"),
        (name = "dcf", description = "The minors DCF shall serve (Sec. 10): the queue and DCF's response to each minor"),
        (name = "health", description = "Liveness and readiness"),
        (name = "dashboard", description = "The coordinator's dashboard: a page, its script and stylesheet (public code; every datum it shows is read with the coordinator's key)"),
        (name = "embed", description = "The embeddable partner intake form: a demo page and its wasm package (public)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key: `bk_…` (secret) or `bpk_…` (a partner's publishable key)."))
                    .build(),
            ),
        );
    }
}

/// The document exactly as the server serves it at `/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    with_shared_responses(api)
}

/// The answers many operations share, written once here rather than in every
/// `#[utoipa::path]` (an operation's own wording, where it has one, stands):
/// - both JSON media types on every PATCH body (see [`both_patch_media_types`]);
/// - 429 on every operation: the rate limits wrap the whole app (`edge::rate_limit`);
/// - 401 and 403 on every operation that needs a key;
/// - 400, 413, 415 and 422 on every operation that takes a body (`http::body` reads it: a body
///   that is not UTF-8 or not well-formed is a 400, too large a 413, another media type a 415;
///   `core` answers the rules).
pub fn with_shared_responses(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{Content, Header, Ref, RefOr, Response, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content("application/problem+json", Content::new(Some(Ref::from_schema_name("Problem"))))
    };
    let rate_limited = problem(
        "Too many requests from this address or key (code `rate_limited`), or too many failed \
authentications from this address. Wait `Retry-After` seconds.",
    )
    .header("Retry-After", Header::new(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1))))
    .build();
    let keyed: [(&str, Response); 2] = [
        ("401", problem("No valid API key (code `unauthenticated`).").build()),
        ("403", problem("This key's role may not use this operation (code `forbidden`).").build()),
    ];
    let with_body: [(&str, Response); 4] = [
        ("400", problem("The body cannot be read: not UTF-8, or not well-formed JSON (code `invalid_json`).").build()),
        ("413", problem("The body is larger than the limit (code `payload_too_large`).").build()),
        ("415", problem("The body's media type is not one this operation reads, or names a charset other than UTF-8 (code `unsupported_media_type`; `detail` names what it reads).").build()),
        (
            "422",
            problem("The body breaks the contract; `errors` lists every broken rule as `{path, code, message}` (code `validation_failed`).")
                .build(),
        ),
    ];
    for item in api.paths.paths.values_mut() {
        for operation in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            // A one-paragraph doc comment becomes the summary only; say it as the description too,
            // which is where generated clients and linters look.
            if operation.description.is_none() {
                operation.description = operation.summary.clone();
            }
        }
        if let Some(body) = item.patch.as_mut().and_then(|op| op.request_body.as_mut()) {
            both_patch_media_types(body);
        }
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            with_reason_header(operation);
            let needs_key = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let takes_body = operation.request_body.is_some();
            let responses = &mut operation.responses.responses;
            responses.entry("429".to_string()).or_insert_with(|| RefOr::T(rate_limited.clone()));
            if needs_key {
                for (status, response) in &keyed {
                    responses.entry((*status).to_string()).or_insert_with(|| RefOr::T(response.clone()));
                }
            }
            if takes_body {
                for (status, response) in &with_body {
                    responses.entry((*status).to_string()).or_insert_with(|| RefOr::T(response.clone()));
                }
            }
        }
    }
    api
}

/// Every operation that takes a `reason` query parameter takes it as the `Beacon-Reason` header
/// too (`http::query` reads either): the document says so where the parameter is.
fn with_reason_header(operation: &mut utoipa::openapi::path::Operation) {
    use crate::http::query::{MAX_VALUE_CHARS, REASON_HEADER};
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::Required;
    let Some(parameters) = operation.parameters.as_mut() else {
        return;
    };
    if !parameters.iter().any(|p| p.name == "reason" && p.parameter_in == ParameterIn::Query) {
        return;
    }
    parameters.push(
        ParameterBuilder::new()
            .name(REASON_HEADER)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The `reason` parameter, carried in a header instead so it stays out of URLs and the \
proxy and browser logs that record them (UTF-8, percent-encoded where a client can only send \
ASCII). Give one or the other: both is a 400.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(MAX_VALUE_CHARS))))
            .build(),
    );
}

/// A PATCH body is read as `application/json` or as a JSON merge patch (`http::body`), whichever
/// one its annotation names: the document lists both, with the one schema.
fn both_patch_media_types(body: &mut utoipa::openapi::request_body::RequestBody) {
    use crate::http::body::MERGE_PATCH;
    let Some(content) = body.content.get("application/json").or_else(|| body.content.get(MERGE_PATCH)).cloned() else {
        return;
    };
    for media_type in ["application/json", MERGE_PATCH] {
        body.content.entry(media_type.to_string()).or_insert_with(|| content.clone());
    }
}

/// Pretty JSON with a trailing newline, as checked in at `openapi/openapi.json`.
pub fn document_json() -> Result<String, serde_json::Error> {
    let value = sorted(serde_json::to_value(document())?);
    Ok(format!("{}\n", serde_json::to_string_pretty(&value)?))
}

/// Keys sorted at every level, so the text is the same whether or not some
/// crate in the build turns on serde_json's `preserve_order`.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
