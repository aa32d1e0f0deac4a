//! Envelope encryption of sealed fields with AES-256-GCM (RustCrypto `aes-gcm`).
//!
//! Each record gets its own random data key, stored wrapped by the master key
//! (`BEACON_DATA_KEY`) together with the master key's id, so the master key can
//! be rotated by re-wrapping data keys without touching ciphertexts. Every
//! ciphertext binds its table, record id and field name as associated data, so
//! it cannot be moved to another row or field.

use crate::config::MasterKey;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use thiserror::Error;
use uuid::Uuid;

const NONCE_LEN: usize = 12;

#[derive(Debug, Error)]
pub enum CryptoError {
    #[error("encryption failed")]
    Seal,
    #[error("decryption failed: wrong key, or the ciphertext was altered or moved")]
    Open,
    #[error("no configured master key has id {0}")]
    UnknownMasterKey(String),
}

#[derive(Clone)]
pub struct Envelope {
    master: MasterKey,
    key_id: String,
    /// Earlier master keys by id, still able to unwrap until `rotate-data-key` re-wraps.
    previous: Vec<(String, MasterKey)>,
    /// The blind index key (`BEACON_INDEX_KEY`), separate from the master key.
    index_key: MasterKey,
}

/// A record's data key, in memory only, and wiped from it when dropped.
pub struct RecordKey([u8; 32]);

impl Drop for RecordKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for RecordKey {}

impl Envelope {
    pub fn new(master: MasterKey, index_key: MasterKey) -> Self {
        Self::with_previous(master, Vec::new(), index_key)
    }

    /// `previous`: master keys being rotated away from (`BEACON_DATA_KEY_PREVIOUS`).
    pub fn with_previous(master: MasterKey, previous: Vec<MasterKey>, index_key: MasterKey) -> Self {
        Self {
            key_id: key_id_of(&master),
            previous: previous.into_iter().map(|k| (key_id_of(&k), k)).collect(),
            master,
            index_key,
        }
    }

    /// Keyed blind index of a victim's identity: HMAC-SHA256 over the
    /// normalised family name, given name and date of birth. Equal people give
    /// equal values across agencies, and nothing can be read back from it.
    /// `None` unless all three are known.
    pub fn identity_index(&self, identity: &beacon_core::Identity) -> Option<Vec<u8>> {
        use hmac::Mac;
        let family = normalise_name(identity.family_name.as_deref()?);
        let given = normalise_name(identity.given_name.as_deref()?);
        let born = identity.date_of_birth?;
        if family.is_empty() || given.is_empty() {
            return None;
        }
        // The two names in sorted order, not as filed: one agency files "Nguyen Van An" family
        // first, another "An Nguyen", and a victim must not count twice for it. The price — two
        // people whose given and family names are each other's, born the same day, collide — is a
        // likely-duplicate flag a coordinator reviews, not a merge.
        let (first, second) = if family <= given { (&family, &given) } else { (&given, &family) };
        let mut mac = <hmac::Hmac<Sha256> as Mac>::new_from_slice(&self.index_key.0).ok()?;
        for part in [first.as_str(), second.as_str(), &born.to_string()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        Some(mac.finalize().into_bytes().to_vec())
    }

    fn master_for(&self, key_id: &str) -> Result<&MasterKey, CryptoError> {
        if key_id == self.key_id {
            return Ok(&self.master);
        }
        self.previous
            .iter()
            .find(|(id, _)| id == key_id)
            .map(|(_, k)| k)
            .ok_or_else(|| CryptoError::UnknownMasterKey(key_id.to_string()))
    }

    /// Unwraps a data key stored under an old master key and wraps it under
    /// the current one. Ciphertexts of sealed fields are untouched.
    pub fn rewrap(&self, record: Uuid, key_id: &str, wrapped: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = self.unwrap_record_key(record, key_id, wrapped)?;
        seal_with(&self.master.0, &wrap_aad(record), &key.0)
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// A fresh data key for `record`, and its wrapped form to store beside it.
    pub fn new_record_key(&self, record: Uuid) -> Result<(RecordKey, Vec<u8>), CryptoError> {
        let mut key = RecordKey([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut key.0);
        let wrapped = seal_with(&self.master.0, &wrap_aad(record), &key.0)?;
        Ok((key, wrapped))
    }

    pub fn unwrap_record_key(&self, record: Uuid, key_id: &str, wrapped: &[u8]) -> Result<RecordKey, CryptoError> {
        let master = self.master_for(key_id)?;
        // The unwrapped bytes are wiped once copied into the key (itself wiped on drop).
        let plain = zeroize::Zeroizing::new(open_with(&master.0, &wrap_aad(record), wrapped)?);
        let mut key = RecordKey([0u8; 32]);
        if plain.len() != key.0.len() {
            return Err(CryptoError::Open);
        }
        key.0.copy_from_slice(&plain);
        Ok(key)
    }
}

/// Case, accents, punctuation and spacing do not distinguish names: "José
/// O'Neil-Díaz" and "jose oneil diaz" index alike. Letters Unicode does not decompose are
/// folded to how they are written without them (ß → ss, ł → l, ø → o, æ → ae, …), since a
/// form or keyboard without them is how the same name arrives from a second agency.
/// Written here rather than with a transliteration crate (`deunicode`, `any_ascii`): those
/// also romanise whole scripts, which would make distinct names in Cyrillic or Arabic collide
/// with Latin ones; only the Latin letters that NFKD leaves whole need folding.
pub(crate) fn normalise_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(name.len());
    for c in name.nfkd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase) {
        match fold(c) {
            Some(written) => out.push_str(written),
            None if c.is_alphanumeric() => out.push(c),
            None => {}
        }
    }
    out
}

/// A lower-case Latin letter that NFKD keeps whole, as it is written without it.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ł' | 'ŀ' => "l",
        'ø' => "o",
        'æ' => "ae",
        'œ' => "oe",
        'đ' | 'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        'ħ' => "h",
        _ => return None,
    })
}

fn key_id_of(master: &MasterKey) -> String {
    let digest = Sha256::new()
        .chain_update(b"beacon master key id\0")
        .chain_update(master.0)
        .finalize();
    hex::encode(&digest[..8])
}

fn wrap_aad(record: Uuid) -> String {
    format!("beacon:data-key:{record}")
}

/// Associated data binding a ciphertext to one field of one row.
pub fn field_aad(table: &str, row: Uuid, field: &str) -> String {
    format!("beacon:{table}:{row}:{field}")
}

impl RecordKey {
    pub fn seal(&self, aad: &str, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.0, aad, plaintext)
    }

    /// The plaintext, wiped from memory when the caller drops it.
    pub fn open(&self, aad: &str, sealed: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError> {
        open_with(&self.0, aad, sealed).map(zeroize::Zeroizing::new)
    }
}

fn seal_with(key: &[u8; 32], aad: &str, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| CryptoError::Seal)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

fn open_with(key: &[u8; 32], aad: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < NONCE_LEN {
        return Err(CryptoError::Open);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| CryptoError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13 item 8: every key type, and every opened plaintext, wipes itself on drop (the
    /// bounds fail to compile if a type loses its `Drop`-with-zeroize marker).
    #[test]
    fn keys_and_opened_values_are_wiped_when_dropped() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<RecordKey>();
        wiped_on_drop::<MasterKey>();
        wiped_on_drop::<crate::config::AuditKey>();
        let envelope = Envelope::new(MasterKey([7; 32]), MasterKey([9; 32]));
        let record = Uuid::new_v4();
        let (key, wrapped) = envelope.new_record_key(record).unwrap();
        let sealed = key.seal("aad", b"a name").unwrap();
        let opened = envelope.unwrap_record_key(record, envelope.key_id(), &wrapped).unwrap().open("aad", &sealed).unwrap();
        fn wiped<T: zeroize::ZeroizeOnDrop>(_: &T) {}
        wiped(&opened);
        assert_eq!(opened.as_slice(), b"a name");
    }

    #[test]
    fn names_that_differ_only_in_how_they_were_typed_normalise_alike() {
        let alike: &[(&str, &str)] = &[
            ("José O'Neil-Díaz", "jose oneil diaz"),
            ("Strauß", "STRAUSS"),
            ("Łukasz Wałęsa", "Lukasz Walesa"),
            ("Søren Kierkegaard", "Soren Kierkegaard"),
            ("Ærø", "aero"),
            ("Œuvre", "oeuvre"),
            ("Đorđević", "Dordevic"),
            ("Þór", "thor"),
            ("Nguyễn", "nguyen"),
        ];
        for (a, b) in alike {
            assert_eq!(normalise_name(a), normalise_name(b), "{a} / {b}");
        }
        // Folding is for Latin letters only: other scripts stay themselves, never romanised
        // into a collision with a Latin name.
        assert_eq!(normalise_name("Иван"), "иван");
        assert_ne!(normalise_name("Иван"), normalise_name("Ivan"));
        assert_ne!(normalise_name("Lars"), normalise_name("Lara"));
    }

    fn identity(given: &str, family: &str, born: &str) -> beacon_core::Identity {
        serde_json::from_value(serde_json::json!({"given_name": given, "family_name": family, "date_of_birth": born})).unwrap()
    }

    #[test]
    fn the_blind_index_ignores_which_name_was_filed_as_the_family_name() {
        let envelope = Envelope::new(MasterKey([7; 32]), MasterKey([9; 32]));
        let index = |given, family, born| envelope.identity_index(&identity(given, family, born)).unwrap();
        assert_eq!(index("An", "Nguyen", "2001-05-04"), index("Nguyen", "An", "2001-05-04"));
        assert_eq!(index("Łukasz", "Strauß", "1990-01-01"), index("strauss", "LUKASZ", "1990-01-01"));
        assert_ne!(index("An", "Nguyen", "2001-05-04"), index("An", "Nguyen", "2001-05-05"));
        assert_ne!(index("An", "Nguyen", "2001-05-04"), index("Anh", "Nguyen", "2001-05-04"));
        // Another index key, another value: the index is keyed, so it can be rotated.
        let other = Envelope::new(MasterKey([7; 32]), MasterKey([8; 32]));
        assert_ne!(other.identity_index(&identity("An", "Nguyen", "2001-05-04")).unwrap(), index("An", "Nguyen", "2001-05-04"));
    }
}
