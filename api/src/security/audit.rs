//! The tamper-evident audit trail: an append-only, HMAC-chained log.
//!
//! Every entry stores `hash = HMAC-SHA-256(BEACON_AUDIT_KEY, prev_hash ‖
//! canonical(entry))`, where `prev_hash` is the previous entry's `hash` (32 zero
//! bytes for the first) and `canonical` is a length-prefixed encoding of the
//! entry's own fields (not its `seq`), so a field can neither be changed nor
//! moved into its neighbour without breaking the chain. The key is never in the
//! database: whoever can write the table (its owner can disable the trigger)
//! cannot recompute a link without it. Deleting the newest entries leaves a
//! shorter chain that is still intact, so the head is anchored elsewhere:
//! [`checkpoint`] signs it, and [`check_checkpoint`] finds it again.
//!
//! Writers take a transaction-scoped advisory lock, so the chain is linear and
//! `seq` order is chain order; the database refuses UPDATE, DELETE and TRUNCATE
//! on the table, and the runtime role holds only INSERT and SELECT on it.
//!
//! Entries hold ids, codes and the caller's free-text reason: never a sealed value.

use crate::config::AuditKey;
use crate::db::{self, audit::EntryRow, audit::NewEntry};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use std::sync::OnceLock;
use diesel_async::{AsyncConnection, AsyncPgConnection, TransactionManager};
use crate::security::Principal;
use serde::Serialize;
use tracing_actix_web::RequestId;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who acted: the key, its account and role (all absent for an
/// unauthenticated caller, e.g. a failed authentication).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub key_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub role: Option<String>,
}

/// What happened. `action`/`resource`/`outcome` are codes (e.g. `incident.read_identity`,
/// `incident`, `success`); `reason` is the caller's free text. Never a sealed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub actor: Actor,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub reason: Option<String>,
    pub outcome: String,
    pub request_id: Option<String>,
    /// When it happened: the request's instant (or the command's), from the
    /// server's clock, never read here.
    pub at: DateTime<Utc>,
}

/// The first entry that breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Broken {
    pub seq: i64,
    pub id: Uuid,
    /// What is wrong with it, in words.
    pub problem: String,
}

/// The result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VerifyReport {
    /// Every entry in the trail (the walk continues past a break).
    pub entries_checked: i64,
    /// `null` when the trail is intact.
    pub first_broken: Option<Broken>,
}

/// The first entry's `prev_hash`.
const GENESIS: [u8; 32] = [0; 32];
/// Entries read per round trip while verifying.
const BATCH: i64 = 1000;
/// Led every canonical form of the first, unkeyed chain (plain SHA-256), which
/// anyone could recompute; such a link is now broken (see [`unkeyed_link`]).
const FORMAT: &str = "beacon-audit-v1";
/// Leads every canonical form of the keyed chain, so the two can never be confused.
const FORMAT_KEYED: &str = "beacon-audit-v2";
/// Leads a checkpoint's signed bytes.
const CHECKPOINT_FORMAT: &str = "beacon-audit-checkpoint-v1";

const PROBLEM_PREV_HASH: &str = "prev_hash does not equal the previous entry's hash";
const PROBLEM_GENESIS: &str = "prev_hash of the first entry is not the genesis value (32 zero bytes)";
const PROBLEM_HASH: &str = "hash is not the HMAC (BEACON_AUDIT_KEY) of the entry's content: rewritten, or chained without the key";

/// The process's audit key, installed once at start (`beacon serve`, each
/// command, the test app) from `BEACON_AUDIT_KEY`. A process-wide value rather
/// than an argument of [`append`], which some seventy call sites share.
static KEY: OnceLock<AuditKey> = OnceLock::new();

/// Installs the audit key; installing the same key again is harmless, another one is refused.
pub fn install_key(key: AuditKey) -> Result<(), String> {
    let installed = KEY.get_or_init(|| key.clone());
    if *installed == key {
        Ok(())
    } else {
        Err("a different BEACON_AUDIT_KEY is already installed in this process".into())
    }
}

fn key() -> diesel::QueryResult<&'static AuditKey> {
    KEY.get().ok_or_else(|| diesel::result::Error::QueryBuilderError("the audit key (BEACON_AUDIT_KEY) is not installed".into()))
}

fn mac(key: &AuditKey) -> Hmac<Sha256> {
    // HMAC takes a key of any length; 32 bytes cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(&key.0).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// Appends in the caller's connection/transaction; serialises writers with
/// pg_advisory_xact_lock so the chain is linear. Returns the entry's seq.
///
/// Outside a transaction the append runs in one of its own. Inside one, the lock
/// is held until that transaction ends, so append late in a transaction, and use
/// READ COMMITTED (PostgreSQL's default): the newest entry must be read after the
/// lock is taken. (A writer that still raced would fail on `prev_hash`'s unique
/// constraint instead of forking the chain.)
pub async fn append(conn: &mut AsyncPgConnection, event: Event) -> diesel::QueryResult<i64> {
    if in_transaction(conn)? {
        append_locked(conn, event).await
    } else {
        conn.transaction(async move |conn| append_locked(conn, event).await).await
    }
}

fn in_transaction(conn: &mut AsyncPgConnection) -> diesel::QueryResult<bool> {
    let status =
        <AsyncPgConnection as AsyncConnection>::TransactionManager::transaction_manager_status_mut(conn);
    Ok(status.transaction_depth()?.is_some())
}

async fn append_locked(conn: &mut AsyncPgConnection, event: Event) -> diesel::QueryResult<i64> {
    db::audit::lock_for_append(conn).await?;
    let prev_hash = db::audit::last_hash(conn).await?.unwrap_or_else(|| GENESIS.to_vec());
    // PostgreSQL keeps microseconds: hash exactly the value that is stored.
    let at = event.at.trunc_subsecs(6);
    let mut entry = NewEntry {
        id: Uuid::new_v4(),
        at,
        request_id: event.request_id,
        key_id: event.actor.key_id,
        account_id: event.actor.account_id,
        role: event.actor.role,
        action: event.action,
        resource: event.resource,
        resource_id: event.resource_id,
        reason: event.reason,
        outcome: event.outcome,
        prev_hash,
        hash: Vec::new(),
    };
    entry.hash = chain_mac(key()?, &entry.prev_hash, &Content::of_new(&entry));
    db::audit::insert(conn, &entry).await
}

/// Walks the whole trail in `seq` order, in batches, recomputing every link.
pub async fn verify(conn: &mut AsyncPgConnection) -> diesel::QueryResult<VerifyReport> {
    let key = key()?;
    let mut prev: Option<Vec<u8>> = None;
    let mut after = i64::MIN;
    let mut entries_checked = 0;
    let mut first_broken = None;
    loop {
        let rows = db::audit::page_after(conn, after, BATCH).await?;
        for row in &rows {
            entries_checked += 1;
            if first_broken.is_none() {
                first_broken = check(key, prev.as_deref(), row).map(|problem| Broken {
                    seq: row.seq,
                    id: row.id,
                    problem: problem.to_string(),
                });
            }
            after = row.seq;
            prev = Some(row.hash.clone());
        }
        if i64::try_from(rows.len()).unwrap_or(i64::MAX) < BATCH {
            break;
        }
    }
    Ok(VerifyReport {
        entries_checked,
        first_broken,
    })
}

/// `prev`: the previous entry's stored hash (`None` for the first entry).
fn check(key: &AuditKey, prev: Option<&[u8]>, row: &EntryRow) -> Option<&'static str> {
    match prev {
        None if row.prev_hash != GENESIS => return Some(PROBLEM_GENESIS),
        Some(prev) if row.prev_hash != prev => return Some(PROBLEM_PREV_HASH),
        _ => {}
    }
    (chain_mac(key, &row.prev_hash, &Content::of_row(row)) != row.hash).then_some(PROBLEM_HASH)
}

/// The link the first, unkeyed chain gave `row` (SHA-256 of its `prev_hash`
/// and content): what anyone who can write the table can compute, kept so the
/// tests can forge with it and show that it no longer passes.
pub fn unkeyed_link(row: &EntryRow) -> Vec<u8> {
    chain_hash(&row.prev_hash, &Content::of_row(row))
}

/// The link `row` would have under `key`: the chain's own computation, public
/// so a test can forge with a key of its own and show that it does not pass.
pub fn keyed_link(key: &AuditKey, row: &EntryRow) -> Vec<u8> {
    chain_mac(key, &row.prev_hash, &Content::of_row(row))
}

/// The trail's state in one line, as `beacon audit verify` prints it.
pub fn summary(report: &VerifyReport) -> String {
    match &report.first_broken {
        None => format!("audit trail intact: {} entries", report.entries_checked),
        Some(b) => format!("audit trail BROKEN at entry seq={} id={}: {}", b.seq, b.id, b.problem),
    }
}

/// The trail's head, signed with the audit key, to be kept outside the
/// database (another host, write-once storage, a ticket): the trail must
/// still hold this entry, with this hash, whenever it is verified against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    /// The newest entry's `seq` and `id` when the checkpoint was taken (0 and
    /// the nil uuid for an empty trail).
    pub seq: i64,
    pub id: Uuid,
    /// That entry's `hash`, hex.
    pub hash: String,
    pub taken_at: DateTime<Utc>,
    /// HMAC-SHA-256 under `BEACON_AUDIT_KEY` of the fields above, hex.
    pub signature: String,
}

impl Checkpoint {
    fn signed_bytes(&self) -> Vec<u8> {
        let at = self.taken_at.to_rfc3339_opts(SecondsFormat::Micros, true);
        let id = self.id.hyphenated().to_string();
        let mut out = Vec::new();
        for field in [self.format.as_str(), &self.seq.to_string(), &id, &self.hash, &at] {
            out.extend_from_slice(&u64::try_from(field.len()).unwrap_or(u64::MAX).to_be_bytes());
            out.extend_from_slice(field.as_bytes());
        }
        out
    }

    fn sign(&self, key: &AuditKey) -> String {
        let mut mac = mac(key);
        mac.update(&self.signed_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The signed head of the trail as it is now.
pub async fn checkpoint(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> diesel::QueryResult<Checkpoint> {
    let key = key()?;
    let head = db::audit::head(conn).await?;
    let mut checkpoint = Checkpoint {
        format: CHECKPOINT_FORMAT.to_string(),
        seq: head.as_ref().map_or(0, |h| h.0),
        id: head.as_ref().map_or(Uuid::nil(), |h| h.1),
        hash: head.map_or_else(|| hex::encode(GENESIS), |h| hex::encode(h.2)),
        taken_at: now.trunc_subsecs(6),
        signature: String::new(),
    };
    checkpoint.signature = checkpoint.sign(key);
    Ok(checkpoint)
}

/// What is wrong with the trail against `checkpoint`, in words; `None` when
/// the trail still holds the checkpoint's entry unchanged (entries after it
/// are checked by [`verify`]).
pub async fn check_checkpoint(conn: &mut AsyncPgConnection, checkpoint: &Checkpoint) -> diesel::QueryResult<Option<String>> {
    let key = key()?;
    if checkpoint.format != CHECKPOINT_FORMAT {
        return Ok(Some(format!("the checkpoint's format is not {CHECKPOINT_FORMAT}")));
    }
    let mut verifier = mac(key);
    verifier.update(&checkpoint.signed_bytes());
    let signature_ok = hex::decode(&checkpoint.signature).is_ok_and(|s| verifier.verify_slice(&s).is_ok());
    if !signature_ok {
        return Ok(Some("the checkpoint's signature does not match BEACON_AUDIT_KEY: it was not written by this trail's key".into()));
    }
    if checkpoint.seq == 0 {
        return Ok(None);
    }
    let head = db::audit::head(conn).await?;
    match db::audit::hash_at(conn, checkpoint.seq).await? {
        None => Ok(Some(format!(
            "the checkpoint's entry seq={} id={} is missing: the newest entries were deleted (the trail now ends at {})",
            checkpoint.seq,
            checkpoint.id,
            head.map_or_else(|| "no entry".to_string(), |h| format!("seq={}", h.0))
        ))),
        Some((id, hash)) if id != checkpoint.id || hex::encode(&hash) != checkpoint.hash => Ok(Some(format!(
            "the entry at the checkpoint's seq={} is no longer the one checkpointed (id {}, hash differs): the trail was rewritten",
            checkpoint.seq, checkpoint.id
        ))),
        Some(_) => Ok(None),
    }
}

/// The hashed fields of an entry, borrowed from a new entry or a stored row.
struct Content<'a> {
    id: Uuid,
    at: DateTime<Utc>,
    request_id: Option<&'a str>,
    key_id: Option<Uuid>,
    account_id: Option<Uuid>,
    role: Option<&'a str>,
    action: &'a str,
    resource: &'a str,
    resource_id: Option<&'a str>,
    reason: Option<&'a str>,
    outcome: &'a str,
}

impl<'a> Content<'a> {
    fn of_new(e: &'a NewEntry) -> Self {
        Content {
            id: e.id,
            at: e.at,
            request_id: e.request_id.as_deref(),
            key_id: e.key_id,
            account_id: e.account_id,
            role: e.role.as_deref(),
            action: &e.action,
            resource: &e.resource,
            resource_id: e.resource_id.as_deref(),
            reason: e.reason.as_deref(),
            outcome: &e.outcome,
        }
    }

    fn of_row(r: &'a EntryRow) -> Self {
        Content {
            id: r.id,
            at: r.at,
            request_id: r.request_id.as_deref(),
            key_id: r.key_id,
            account_id: r.account_id,
            role: r.role.as_deref(),
            action: &r.action,
            resource: &r.resource,
            resource_id: r.resource_id.as_deref(),
            reason: r.reason.as_deref(),
            outcome: &r.outcome,
        }
    }

    /// Each field as a presence byte (0 absent, 1 present) then, when present,
    /// its UTF-8 length (u64, big-endian) and bytes, led by `format`. Uuids are
    /// lower-case hyphenated; `at` is RFC 3339 in UTC with exactly six fractional digits.
    fn canonical(&self, format: &str) -> Vec<u8> {
        let uuid = |u: Option<Uuid>| u.map(|u| u.hyphenated().to_string());
        let id = self.id.hyphenated().to_string();
        let at = self.at.to_rfc3339_opts(SecondsFormat::Micros, true);
        let key_id = uuid(self.key_id);
        let account_id = uuid(self.account_id);
        let fields: [Option<&str>; 12] = [
            Some(format),
            Some(&id),
            Some(&at),
            self.request_id,
            key_id.as_deref(),
            account_id.as_deref(),
            self.role,
            Some(self.action),
            Some(self.resource),
            self.resource_id,
            self.reason,
            Some(self.outcome),
        ];
        let mut out = Vec::with_capacity(256);
        for field in fields {
            match field {
                None => out.push(0),
                Some(text) => {
                    out.push(1);
                    out.extend_from_slice(&u64::try_from(text.len()).unwrap_or(u64::MAX).to_be_bytes());
                    out.extend_from_slice(text.as_bytes());
                }
            }
        }
        out
    }
}

/// The unkeyed link of the trail's first format.
fn chain_hash(prev_hash: &[u8], content: &Content<'_>) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(content.canonical(FORMAT));
    hasher.finalize().to_vec()
}

fn chain_mac(key: &AuditKey, prev_hash: &[u8], content: &Content<'_>) -> Vec<u8> {
    let mut mac = mac(key);
    mac.update(prev_hash);
    mac.update(&content.canonical(FORMAT_KEYED));
    mac.finalize().into_bytes().to_vec()
}

impl Event {
    /// The one place an entry is put together; the constructors below say who acted.
    fn of(actor: Actor, at: DateTime<Utc>, request_id: Option<String>, action: &str, resource: &str, resource_id: Option<String>) -> Self {
        Event {
            actor,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_id,
            reason: None,
            outcome: "success".to_string(),
            request_id,
            at,
        }
    }

    /// What a caller with a key did, in a request, at the request's instant.
    pub fn by(principal: &Principal, request_id: &RequestId, action: &str, resource: &str, resource_id: impl ToString) -> Self {
        Self::of(principal.into(), principal.now, Some(request_id.to_string()), action, resource, Some(resource_id.to_string()))
    }

    /// What the command line did: no key and no account; the role says `cli`.
    pub fn cli(at: DateTime<Utc>, action: &str, resource: &str, resource_id: Option<String>) -> Self {
        Self::of(Actor::cli(), at, None, action, resource, resource_id)
    }

    /// What a caller without a valid key tried (a failed authentication): refused.
    pub fn anonymous(at: DateTime<Utc>, request_id: Option<String>, action: &str, resource: &str, resource_id: Option<String>) -> Self {
        Self { outcome: "denied".to_string(), ..Self::of(Actor::default(), at, request_id, action, resource, resource_id) }
    }

    /// The same entry made by `actor` (an import runs for a key or for the command line).
    pub fn as_actor(actor: &Actor, at: DateTime<Utc>, request_id: Option<String>, action: &str, resource: &str, resource_id: Option<String>) -> Self {
        Self::of(actor.clone(), at, request_id, action, resource, resource_id)
    }

    /// With the caller's free-text reason (a sealed read's, or what a command did).
    pub fn because(self, reason: impl Into<String>) -> Self {
        Self { reason: Some(reason.into()), ..self }
    }
}

impl Actor {
    /// The command line acts for no key or account.
    pub fn cli() -> Self {
        Actor { key_id: None, account_id: None, role: Some("cli".to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: AuditKey = AuditKey([7; 32]);

    fn row(prev_hash: Vec<u8>, action: &str, reason: Option<&str>) -> EntryRow {
        let mut row = EntryRow {
            seq: 1,
            id: Uuid::nil(),
            at: DateTime::parse_from_rfc3339("2026-11-29T12:00:00.123456Z").unwrap().to_utc(),
            request_id: None,
            key_id: Some(Uuid::nil()),
            account_id: None,
            role: Some("coordinator".into()),
            action: action.into(),
            resource: "incident".into(),
            resource_id: None,
            reason: reason.map(str::to_string),
            outcome: "success".into(),
            prev_hash,
            hash: Vec::new(),
        };
        row.hash = chain_mac(&KEY, &row.prev_hash, &Content::of_row(&row));
        row
    }

    #[test]
    fn fields_cannot_run_together() {
        let a = row(GENESIS.to_vec(), "ab", Some("c"));
        let mut b = row(GENESIS.to_vec(), "a", Some("bc"));
        assert_ne!(a.hash, b.hash);
        // An absent field differs from an empty one.
        b = row(GENESIS.to_vec(), "ab", Some(""));
        let c = row(GENESIS.to_vec(), "ab", None);
        assert_ne!(b.hash, c.hash);
    }

    #[test]
    fn the_timestamp_is_hashed_with_microseconds() {
        let r = row(GENESIS.to_vec(), "x", None);
        let text = String::from_utf8_lossy(&Content::of_row(&r).canonical(FORMAT_KEYED)).to_string();
        assert!(text.contains("2026-11-29T12:00:00.123456Z"), "{text}");
    }

    #[test]
    fn check_finds_each_kind_of_break() {
        let first = row(GENESIS.to_vec(), "x", None);
        assert_eq!(check(&KEY, None, &first), None);
        let second = row(first.hash.clone(), "y", None);
        assert_eq!(check(&KEY, Some(&first.hash), &second), None);
        assert_eq!(check(&KEY, Some(&GENESIS), &second), Some(PROBLEM_PREV_HASH));
        assert_eq!(check(&KEY, None, &second), Some(PROBLEM_GENESIS));
        let mut tampered = row(first.hash.clone(), "y", None);
        tampered.action = "z".into();
        assert_eq!(check(&KEY, Some(&first.hash), &tampered), Some(PROBLEM_HASH));
    }

    #[test]
    fn a_link_made_without_the_key_or_with_another_is_broken() {
        let first = row(GENESIS.to_vec(), "x", None);
        let mut forged = row(first.hash.clone(), "y", None);
        forged.hash = unkeyed_link(&forged);
        assert_eq!(check(&KEY, Some(&first.hash), &forged), Some(PROBLEM_HASH));
        let second = row(first.hash.clone(), "y", None);
        assert_eq!(check(&AuditKey([8; 32]), Some(&first.hash), &second), Some(PROBLEM_HASH));
    }

    #[test]
    fn a_checkpoint_signature_covers_every_field() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z").unwrap().to_utc();
        let mut c = Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            seq: 42,
            id: Uuid::nil(),
            hash: hex::encode([1u8; 32]),
            taken_at: at,
            signature: String::new(),
        };
        let signature = c.sign(&KEY);
        c.seq = 41;
        assert_ne!(c.sign(&KEY), signature);
        c.seq = 42;
        assert_eq!(c.sign(&KEY), signature);
        assert_ne!(c.sign(&AuditKey([8; 32])), signature);
    }

    #[test]
    fn the_summary_is_one_line() {
        let intact = VerifyReport { entries_checked: 3, first_broken: None };
        assert_eq!(summary(&intact), "audit trail intact: 3 entries");
        let broken = VerifyReport {
            entries_checked: 3,
            first_broken: Some(Broken { seq: 2, id: Uuid::nil(), problem: PROBLEM_HASH.into() }),
        };
        assert_eq!(
            summary(&broken),
            format!("audit trail BROKEN at entry seq=2 id={}: {PROBLEM_HASH}", Uuid::nil())
        );
    }
}
