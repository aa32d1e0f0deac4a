//! The four topics in each section's own words. The curriculum (Sec. 1(c))
//! is one, but the sections that require it of each population word its topics
//! differently: a DCF employee's training is about minor children throughout,
//! a CSSD employee's about human trafficking and its victims generally, the
//! curriculum's disclosures come "from minor children and adults". A label
//! shown to a population is the words of the section that binds it.

use serde::Serialize;

use super::{required_topics, Population, TrainingTopic};
use crate::reference::codes::CodeList;

/// A topic as a population's section words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicLabel {
    pub topic: TrainingTopic,
    pub label: &'static str,
    /// The section whose words these are.
    pub basis: &'static str,
    /// Whether the population must cover it.
    pub required: bool,
}

/// The section whose words label the topics for `p`.
pub fn topic_basis(p: Population) -> &'static str {
    match p {
        Population::DcfEmployee | Population::DcfContractedProvider => "Sec. 4(a)",
        Population::CssdEmployee => "Sec. 5(a)",
        Population::LawEnforcement => "Sec. 10(b)",
        Population::Other => "Sec. 1(c)",
    }
}

/// `topic` in the words of the section that requires it of `p`.
pub fn topic_label(topic: TrainingTopic, p: Population) -> &'static str {
    use TrainingTopic as T;
    match (p, topic) {
        // Sec. 4(a): "regarding the trafficking of minor children … (1)
        // awareness and compliance with the laws and protocols concerning
        // trafficking of minor children, (2) identification of, access to and
        // provision of services for minor children who are victims of
        // trafficking, (3) de-escalation and harm reduction techniques when
        // encountering minor children who are victims of trafficking, and (4)
        // techniques on receiving disclosures of trauma from minor children".
        // Sec. 10(b) words (1) and (2) the same way for law enforcement.
        (Population::DcfEmployee | Population::DcfContractedProvider | Population::LawEnforcement, T::LawsProtocols) => {
            "Awareness and compliance with the laws and protocols concerning trafficking of minor children"
        }
        (Population::DcfEmployee | Population::DcfContractedProvider | Population::LawEnforcement, T::IdentificationServices) => {
            "Identification of, access to and provision of services for minor children who are victims of trafficking"
        }
        (Population::DcfEmployee | Population::DcfContractedProvider | Population::LawEnforcement, T::DeescalationHarmReduction) => {
            "De-escalation and harm reduction techniques when encountering minor children who are victims of trafficking"
        }
        (Population::DcfEmployee | Population::DcfContractedProvider | Population::LawEnforcement, T::TraumaDisclosures) => {
            "Techniques on receiving disclosures of trauma from minor children"
        }
        // Sec. 5(a): "(1) awareness and compliance with the laws and protocols
        // concerning human trafficking, (2) identification of, access to and
        // provision of services for victims of trafficking, (3) de-escalation
        // and harm reduction techniques when encountering victims of human
        // trafficking, and (4) techniques on receiving disclosures of trauma
        // from minor children".
        (Population::CssdEmployee, T::LawsProtocols) => {
            "Awareness and compliance with the laws and protocols concerning human trafficking"
        }
        (Population::CssdEmployee, T::IdentificationServices) => {
            "Identification of, access to and provision of services for victims of trafficking"
        }
        (Population::CssdEmployee, T::DeescalationHarmReduction) => {
            "De-escalation and harm reduction techniques when encountering victims of human trafficking"
        }
        (Population::CssdEmployee, T::TraumaDisclosures) => "Techniques on receiving disclosures of trauma from minor children",
        // Sec. 1(c), the coordinator's curriculum offered to anyone: "(1)
        // awareness and compliance with the laws and protocols concerning
        // trafficking of minor children, (2) identification of, access to and
        // provision of services for victims of trafficking, (3) de-escalation
        // and harm reduction techniques when encountering victims of
        // trafficking, and (4) techniques on receiving disclosures of trauma
        // from minor children and adults".
        (Population::Other, T::LawsProtocols) => {
            "Awareness and compliance with the laws and protocols concerning trafficking of minor children"
        }
        (Population::Other, T::IdentificationServices) => {
            "Identification of, access to and provision of services for victims of trafficking"
        }
        (Population::Other, T::DeescalationHarmReduction) => {
            "De-escalation and harm reduction techniques when encountering victims of trafficking"
        }
        (Population::Other, T::TraumaDisclosures) => {
            "Techniques on receiving disclosures of trauma from minor children and adults"
        }
    }
}

/// Every topic of the curriculum as `p`'s section words it, in curriculum order.
pub fn topic_labels(p: Population) -> Vec<TopicLabel> {
    TrainingTopic::ALL
        .iter()
        .map(|t| TopicLabel { topic: *t, label: topic_label(*t, p), basis: topic_basis(p), required: required_topics(p).contains(t) })
        .collect()
}
