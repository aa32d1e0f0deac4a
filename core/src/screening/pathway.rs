//! Referral pathways: from a screening's result and what is known of the person, the referrals
//! Beacon recommends, in order, each with its reason.
//!
//! Sec. 8(b)(4): "standardized, trauma-informed screening questions and referral pathways to
//! ensure consistent identification of and response to victims of human trafficking across
//! systems". The rules:
//! - any minor → DCF, mandatory: Sec. 10(a) as amended, the Commissioner "shall … provide
//!   appropriate services to a minor child … who the Department of Children and Families
//!   reasonably believes may be a victim of trafficking"; and the multidisciplinary team of the
//!   town's judicial district (Sec. 9: the teams "review child trafficking cases"), marked
//!   district unknown when no town is known, for the coordinator to assign;
//! - a positive or possible screen → the directory's providers for each need, nearest first
//!   (the directory search's distance), and among equally near ones vetted providers with a place
//!   free who speak the person's language first;
//! - without the person's consent no referral carries identity, only a reference.

use super::score::ScreeningResult;
use crate::directory::search::{distance, language_matches, Distance, RankKey};
use crate::reference::codes::{code_list, AgeGroup, CodeList, Service};
use crate::reference::geo::find_town;
use serde::Serialize;
use std::collections::BTreeSet;
use uuid::Uuid;

code_list!(
    /// Connecticut's 13 judicial districts: one multidisciplinary team each (Sec. 9).
    JudicialDistrict, "judicial_district" {
        AnsoniaMilford => "ansonia_milford", "Ansonia-Milford";
        Danbury => "danbury", "Danbury";
        Fairfield => "fairfield", "Fairfield";
        Hartford => "hartford", "Hartford";
        Litchfield => "litchfield", "Litchfield";
        Middlesex => "middlesex", "Middlesex";
        NewBritain => "new_britain", "New Britain";
        NewHaven => "new_haven", "New Haven";
        NewLondon => "new_london", "New London";
        StamfordNorwalk => "stamford_norwalk", "Stamford-Norwalk";
        Tolland => "tolland", "Tolland";
        Waterbury => "waterbury", "Waterbury";
        Windham => "windham", "Windham";
    }
);

impl JudicialDistrict {
    /// The district of a Connecticut town (any spelling the town table accepts).
    pub fn of_town(town: &str) -> Option<JudicialDistrict> {
        let name = find_town(town)?.judicial_district?;
        Self::ALL.iter().copied().find(|d| d.label() == name)
    }
}

/// What is known of the person's age: years, or the intake form's age group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeKnown {
    Years(u8),
    Group(AgeGroup),
    Unknown,
}

impl AgeKnown {
    /// Under 18 for certain. An unknown age is not taken as adult (the fidelity rule), but it is
    /// not a minor's pathway either until the age is known; the caller asks for it.
    pub fn is_minor(self) -> bool {
        match self {
            AgeKnown::Years(y) => y < 18,
            AgeKnown::Group(g) => matches!(g, AgeGroup::Under12 | AgeGroup::From12To17),
            AgeKnown::Unknown => false,
        }
    }
}

/// What the pathway is decided from.
#[derive(Debug, Clone)]
pub struct PathwayInput<'a> {
    pub result: ScreeningResult,
    pub age: AgeKnown,
    /// A Connecticut town, as the person gave it.
    pub town: Option<&'a str>,
    pub needs: &'a [Service],
    /// An ISO 639-1 code.
    pub language: Option<&'a str>,
    /// The person consented to share who they are with the services referred to.
    pub consent: bool,
}

/// A directory service as the pathway weighs it.
#[derive(Debug, Clone)]
pub struct ProviderOption {
    pub service_id: Uuid,
    pub name: String,
    pub categories: Vec<Service>,
    /// The towns it serves (service areas and locations).
    pub towns: BTreeSet<String>,
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
    pub languages: Vec<String>,
    pub vetted: bool,
    pub capacity_available: Option<i32>,
}

/// Who a referral goes to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipient {
    /// The Department of Children and Families.
    Dcf,
    /// The multidisciplinary team of a judicial district; `district: null` when the town is not
    /// known, for the coordinator to assign.
    Mdt { district: Option<JudicialDistrict> },
    /// A directory service.
    Provider {
        service_id: Uuid,
        name: String,
        distance: Distance,
    },
}

/// What a referral may carry about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Carries {
    /// Who the person is, sealed like an incident's identity: the person consented.
    Identity,
    /// A reference only: no consent to share.
    ReferenceOnly,
}

/// One recommended referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub recipient: Recipient,
    /// The need it answers (a provider's); none for DCF and the team.
    pub need: Option<Service>,
    /// Cannot be skipped.
    pub mandatory: bool,
    pub carries: Carries,
    /// Why, in words.
    pub reason: String,
}

/// Providers offered per need, at most.
pub const PROVIDERS_PER_NEED: usize = 3;

/// The recommended referrals, in order: DCF and the team for a minor, then for a positive or
/// possible screen up to [`PROVIDERS_PER_NEED`] providers for each need, in the order of the
/// needs. A provider answering several needs is offered once, for the first.
pub fn pathway(input: &PathwayInput<'_>, providers: &[ProviderOption]) -> Vec<Recommendation> {
    let carries = if input.consent { Carries::Identity } else { Carries::ReferenceOnly };
    let mut out = Vec::new();
    if input.age.is_minor() {
        out.push(Recommendation {
            recipient: Recipient::Dcf,
            need: None,
            mandatory: true,
            carries,
            reason: "A minor: Sec. 10(a), DCF shall provide services to a minor child it reasonably believes may be a \
                     victim of trafficking."
                .into(),
        });
        let district = input.town.and_then(JudicialDistrict::of_town);
        let reason = match district {
            Some(d) => format!("A minor: Sec. 9, the multidisciplinary team of the {} judicial district reviews child trafficking cases.", d.label()),
            None => "A minor: Sec. 9, a multidisciplinary team reviews child trafficking cases; the town is not known, so the \
                     coordinator assigns the district."
                .into(),
        };
        out.push(Recommendation { recipient: Recipient::Mdt { district }, need: None, mandatory: true, carries, reason });
    }
    if input.result == ScreeningResult::Negative {
        return out;
    }
    let years = match input.age {
        AgeKnown::Years(y) => Some(y),
        _ => None,
    };
    let mut offered: BTreeSet<Uuid> = BTreeSet::new();
    for need in input.needs {
        let mut matches: Vec<(&ProviderOption, Option<Distance>, bool)> = providers
            .iter()
            .filter(|p| p.categories.contains(need) && !offered.contains(&p.service_id))
            .filter(|p| years.is_none_or(|y| p.min_age.is_none_or(|m| m <= y) && p.max_age.is_none_or(|m| y <= m)))
            .map(|p| {
                let d = input.town.map(|t| distance(t, &p.towns));
                let speaks = input.language.is_none_or(|l| p.languages.iter().any(|x| language_matches(l, x)));
                let preferred = p.vetted && p.capacity_available.is_some_and(|n| n > 0) && speaks;
                (p, d, preferred)
            })
            .collect();
        matches.sort_by_cached_key(|(p, d, preferred)| {
            (*d, !*preferred, RankKey::new(*d, p.vetted, p.capacity_available, &p.name, p.service_id))
        });
        for (p, d, preferred) in matches.into_iter().take(PROVIDERS_PER_NEED) {
            offered.insert(p.service_id);
            let near = match d {
                Some(Distance::SameTown) => "serves the person's town",
                Some(Distance::SameRegion) => "serves the person's county",
                Some(Distance::AdjacentRegion) => "serves a neighbouring county",
                Some(Distance::Statewide) | None => "serves elsewhere in the state",
            };
            let extra = if preferred { "; vetted, with a place free, in the person's language" } else { "" };
            out.push(Recommendation {
                recipient: Recipient::Provider { service_id: p.service_id, name: p.name.clone(), distance: d.unwrap_or(Distance::Statewide) },
                need: Some(*need),
                mandatory: false,
                carries,
                reason: format!("A {} screen needing {}: {near}{extra}.", input.result.code(), need.label().to_lowercase()),
            });
        }
    }
    out
}
