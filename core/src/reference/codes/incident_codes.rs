code_list!(
    /// State agencies (and local police) that report incidents.
    Agency, "agency" {
        Opm => "opm", "Office of Policy and Management";
        Dcf => "dcf", "Department of Children and Families";
        Cssd => "cssd", "Court Support Services Division";
        Desp => "desp", "Department of Emergency Services and Public Protection";
        Dol => "dol", "Department of Labor";
        Dss => "dss", "Department of Social Services";
        Dph => "dph", "Department of Public Health";
        Dmhas => "dmhas", "Department of Mental Health and Addiction Services";
        Dcp => "dcp", "Department of Consumer Protection";
        Dds => "dds", "Department of Developmental Services";
        Dot => "dot", "Department of Transportation";
        Sde => "sde", "State Department of Education";
        Dcj => "dcj", "Division of Criminal Justice";
        Ocpd => "ocpd", "Office of the Chief Public Defender";
        Oca => "oca", "Office of the Child Advocate";
        Ova => "ova", "Office of the Victim Advocate";
        Ovs => "ovs", "Office of Victim Services";
        Sots => "sots", "Secretary of the State";
        LocalPolice => "local_police", "Local police department";
        OtherStateAgency => "other_state_agency", "Other state agency";
    }
);

code_list!(
    /// Whether trafficking is suspected or confirmed (IOM HTCDS: possible / actual).
    IncidentStatus, "status" {
        Suspected => "suspected", "Suspected";
        Confirmed => "confirmed", "Confirmed";
    }
);

code_list!(
    TraffickingType, "trafficking_type" {
        Sex => "sex", "Sex trafficking";
        Labor => "labor", "Labor trafficking";
    }
);

impl TraffickingType {
    /// NIBRS offense code: 64A commercial sex acts, 64B involuntary servitude.
    pub fn nibrs_offense(self) -> &'static str {
        match self {
            TraffickingType::Sex => "64A",
            TraffickingType::Labor => "64B",
        }
    }
}

code_list!(
    Venue, "venue" {
        Residence => "residence", "Residence";
        HotelMotel => "hotel_motel", "Hotel or motel";
        MassageSpa => "massage_spa", "Massage parlor or spa";
        Agriculture => "agriculture", "Agriculture";
        Construction => "construction", "Construction";
        Restaurant => "restaurant", "Restaurant";
        DomesticWork => "domestic_work", "Domestic work";
        Retail => "retail", "Retail";
        Manufacturing => "manufacturing", "Manufacturing";
        Online => "online", "Online";
        Street => "street", "Street";
        TruckStop => "truck_stop", "Truck stop";
        BarClub => "bar_club", "Bar or club";
        Other => "other", "Other";
    }
);

code_list!(
    /// Methods of control, mapped onto IOM HTCDS v2.0's list.
    ControlMethod, "control_method" {
        DebtBondage => "debt_bondage", "Debt bondage";
        TakesEarnings => "takes_earnings", "Takes earnings";
        RestrictsFinances => "restricts_finances", "Restricts access to money";
        Threats => "threats", "Threats";
        PsychologicalAbuse => "psychological_abuse", "Psychological abuse";
        PhysicalAbuse => "physical_abuse", "Physical abuse";
        SexualAbuse => "sexual_abuse", "Sexual abuse";
        FalsePromises => "false_promises", "False promises";
        Substances => "substances", "Makes dependent on substances";
        RestrictsMovement => "restricts_movement", "Restricts movement";
        RestrictsMedicalCare => "restricts_medical_care", "Restricts medical care";
        ExcessiveHours => "excessive_hours", "Excessive working hours";
        ThreatensFamily => "threatens_family", "Threatens family";
        ThreatOfLawEnforcement => "threat_of_law_enforcement", "Threat of law enforcement";
        WithholdsNecessities => "withholds_necessities", "Withholds necessities";
        WithholdsDocuments => "withholds_documents", "Withholds documents";
        Other => "other", "Other";
    }
);

code_list!(
    /// Service categories, shared by incidents, intake and the provider directory.
    Service, "service" {
        Shelter => "shelter", "Emergency shelter";
        Housing => "housing", "Housing";
        CaseManagement => "case_management", "Case management";
        Legal => "legal", "Legal help";
        ImmigrationLegal => "immigration_legal", "Immigration legal help";
        Medical => "medical", "Medical care";
        MentalHealth => "mental_health", "Mental health";
        SubstanceUse => "substance_use", "Substance use treatment";
        Interpretation => "interpretation", "Interpretation";
        EducationEmployment => "education_employment", "Education and employment";
        Financial => "financial", "Financial help";
        BasicNeeds => "basic_needs", "Basic needs";
        Transportation => "transportation", "Transportation";
        FamilyReunification => "family_reunification", "Family reunification";
        ChildWelfare => "child_welfare", "Child welfare";
        Other => "other", "Other";
    }
);

code_list!(
    Sex, "sex" {
        Female => "female", "Female";
        Male => "male", "Male";
        X => "x", "X";
        Unknown => "unknown", "Unknown";
    }
);

code_list!(
    Citizenship, "citizenship" {
        UsCitizen => "us_citizen", "U.S. citizen";
        PermanentResident => "permanent_resident", "Permanent resident";
        ForeignNational => "foreign_national", "Foreign national";
        Unknown => "unknown", "Unknown";
    }
);

code_list!(
    Relationship, "relationship_to_trafficker" {
        Familial => "familial", "Family member";
        IntimatePartner => "intimate_partner", "Intimate partner";
        Employer => "employer", "Employer";
        Acquaintance => "acquaintance", "Acquaintance";
        Stranger => "stranger", "Stranger";
        Unknown => "unknown", "Unknown";
    }
);
