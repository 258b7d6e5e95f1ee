//! Entities named in the dateline: its place ("HANGZHOU", "MEXICO CITY") and its agency
//! ("Xinhua", "Reuters").

use super::lexicon::{COUNTRY_FORMS, KNOWN_ORGS, PLACES, title_case};
use super::names::{Candidate, candidate, country_candidate, location_key, org_key};
use crate::api::v1::{Dateline, EntityType};

/// The place and agency of the article's `dateline` (parsed from the text before byte
/// `body_start`), as candidates.
pub fn candidates(text: &str, body_start: usize, dateline: Option<&Dateline>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let Some(dateline) = dateline else {
        return out;
    };
    let head = text.get(..body_start).unwrap_or("");
    // "BARCELONA, SPAIN": the city, then its country.
    for place in dateline.place.split(',').map(str::trim) {
        if place.is_empty() {
            continue;
        }
        if let Some(at) = head.find(place) {
            let bytes = at..at + place.len();
            // Upper-case datelines are title-cased for the name ("MEXICO CITY").
            let name = if place.chars().any(char::is_lowercase) {
                place.to_owned()
            } else {
                title_case(place)
            };
            if let Some((country, form)) = COUNTRY_FORMS.get(name.as_str()) {
                out.push(country_candidate(bytes, &name, country, *form));
            } else {
                let mut c = candidate(bytes, EntityType::Location, location_key(&name), &name);
                c.country = PLACES
                    .get(&name.to_uppercase())
                    .copied()
                    .flatten()
                    .map(str::to_owned);
                out.push(c);
            }
        }
    }
    let agency = dateline.agency.trim();
    if !agency.is_empty()
        && let Some(at) = head.find(agency)
    {
        let lexicon_name = KNOWN_ORGS.get(agency).copied().unwrap_or(agency);
        let mut c = candidate(
            at..at + agency.len(),
            EntityType::Organization,
            org_key(lexicon_name),
            agency,
        );
        c.lexicon_name = Some(lexicon_name.to_owned());
        out.push(c);
    }
    out
}
