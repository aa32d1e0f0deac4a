//! The one wrapper for victims' personal information.
//!
//! Anything wrapped here is redacted by `Debug` and `Serialize`, so it cannot
//! leak through a log line, an error message or a response by accident. The
//! only way to the value is [`Sealed::expose`], which is easy to grep for.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Sealed<T>(T);

pub const REDACTED: &str = "[sealed]";

impl<T> Sealed<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Access the protected value. Callers must be the code paths allowed to.
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Sealed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> Serialize for Sealed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sealed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Sealed)
    }
}

impl<T: validator::Validate> validator::Validate for Sealed<T> {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        self.0.validate()
    }
}
