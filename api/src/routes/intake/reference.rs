//! Receipt references a person can read over the phone.

use rand::Rng;

/// No 0/O, 1/I/L, 5/S or 8/B: nothing that sounds or looks like another.
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXYZ234679";

/// `XXX-XXX-XXX`: 27^9 ≈ 7.6e12 values, so a collision (checked by the caller) is rare.
pub fn new_reference() -> String {
    let mut rng = rand::rngs::OsRng;
    let mut out = String::with_capacity(11);
    for i in 0..9 {
        if i > 0 && i % 3 == 0 {
            out.push('-');
        }
        let c = ALPHABET[rng.gen_range(0..ALPHABET.len())];
        out.push(char::from(c));
    }
    out
}
