//! Cross-agency victim counts and likely duplicates from the blind index —
//! nothing is decrypted to answer these.

pub mod distinct;
pub mod duplicates;
