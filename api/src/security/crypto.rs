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
}

#[derive(Clone)]
pub struct Envelope {
    master: MasterKey,
    key_id: String,
}

/// A record's data key, in memory only.
pub struct RecordKey([u8; 32]);

impl Envelope {
    pub fn new(master: MasterKey) -> Self {
        let digest = Sha256::new()
            .chain_update(b"beacon master key id\0")
            .chain_update(master.0)
            .finalize();
        let key_id = hex::encode(&digest[..8]);
        Self { master, key_id }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// A fresh data key for `record`, and its wrapped form to store beside it.
    pub fn new_record_key(&self, record: Uuid) -> Result<(RecordKey, Vec<u8>), CryptoError> {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let wrapped = seal_with(&self.master.0, &wrap_aad(record), &key)?;
        Ok((RecordKey(key), wrapped))
    }

    pub fn unwrap_record_key(&self, record: Uuid, wrapped: &[u8]) -> Result<RecordKey, CryptoError> {
        let plain = open_with(&self.master.0, &wrap_aad(record), wrapped)?;
        let key: [u8; 32] = plain.try_into().map_err(|_| CryptoError::Open)?;
        Ok(RecordKey(key))
    }
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

    pub fn open(&self, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.0, aad, sealed)
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
