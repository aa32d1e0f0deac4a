//! Code lists of the partner intake contract (`POST /v1/intake`).

code_list!(
    /// What the person is worried about. `unsure` is a full answer, not a gap.
    ConcernType, "concern_type" {
        Sex => "sex", "Sex trafficking";
        Labor => "labor", "Labor trafficking";
        Unsure => "unsure", "Not sure";
    }
);

/// Age group of the person the intake is about. `under_12` and `12_17` mark
/// the intake as involving a minor.
///
/// Written by hand rather than with `code_list!`: `12_17` cannot be spelled by
/// a variant name, and utoipa only sees `#[serde(rename)]` written literally
/// (not through macro fragments). Every variant is renamed explicitly; a test
/// checks that serde, the OpenAPI enum and `code()` agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgeGroup {
    #[serde(rename = "under_12")]
    Under12,
    #[serde(rename = "12_17")]
    From12To17,
    #[serde(rename = "18_24")]
    From18To24,
    #[serde(rename = "25_59")]
    From25To59,
    #[serde(rename = "60_plus")]
    From60,
    #[serde(rename = "unknown")]
    #[default]
    Unknown,
}

impl AgeGroup {
    /// Whether everyone in this group is under 18.
    pub fn is_minor(self) -> bool {
        matches!(self, AgeGroup::Under12 | AgeGroup::From12To17)
    }

    /// Whether a person of `age` full years belongs to this group. `unknown`
    /// claims nothing, so it holds every age.
    pub fn contains(self, age: i64) -> bool {
        match self {
            AgeGroup::Under12 => age < 12,
            AgeGroup::From12To17 => (12..=17).contains(&age),
            AgeGroup::From18To24 => (18..=24).contains(&age),
            AgeGroup::From25To59 => (25..=59).contains(&age),
            AgeGroup::From60 => age >= 60,
            AgeGroup::Unknown => true,
        }
    }

    /// The group as a victim's `age_band`: `unknown` is no band at all.
    pub fn as_band(self) -> Option<AgeGroup> {
        (self != AgeGroup::Unknown).then_some(self)
    }
}

impl super::CodeList for AgeGroup {
    const NAME: &'static str = "age_group";
    const ALL: &'static [Self] = &[
        AgeGroup::Under12,
        AgeGroup::From12To17,
        AgeGroup::From18To24,
        AgeGroup::From25To59,
        AgeGroup::From60,
        AgeGroup::Unknown,
    ];

    fn code(self) -> &'static str {
        match self {
            AgeGroup::Under12 => "under_12",
            AgeGroup::From12To17 => "12_17",
            AgeGroup::From18To24 => "18_24",
            AgeGroup::From25To59 => "25_59",
            AgeGroup::From60 => "60_plus",
            AgeGroup::Unknown => "unknown",
        }
    }

    fn label(self) -> &'static str {
        match self {
            AgeGroup::Under12 => "Under 12",
            AgeGroup::From12To17 => "12 to 17",
            AgeGroup::From18To24 => "18 to 24",
            AgeGroup::From25To59 => "25 to 59",
            AgeGroup::From60 => "60 or older",
            AgeGroup::Unknown => "Not known",
        }
    }
}

impl std::fmt::Display for AgeGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(super::CodeList::code(*self))
    }
}

impl std::str::FromStr for AgeGroup {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        <Self as super::CodeList>::ALL
            .iter()
            .copied()
            .find(|c| super::CodeList::code(*c) == s)
            .ok_or(())
    }
}
