//! `405 Method Not Allowed` with `Allow` for a known path asked with a method it does not serve.
//!
//! actix registers each `#[get]`/`#[post]` operation as its own resource guarded by its method, so
//! a path whose methods all refuse falls through to the default service, which would say `404`
//! — telling a client that a real endpoint does not exist. The known paths and their methods are
//! read from the generated OpenAPI document, as the access policy is, so the two cannot disagree.

use serde_json::Value;

/// Every documented path template (`/v1/incidents/{id}`) and the methods it serves.
#[derive(Debug, Clone, Default)]
pub struct KnownRoutes {
    routes: Vec<(Vec<Segment>, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

impl KnownRoutes {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Result<KnownRoutes, String> {
        let doc = serde_json::to_value(doc).map_err(|e| e.to_string())?;
        let mut routes = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            let methods: Vec<String> = METHODS
                .iter()
                .filter(|m| item.get(**m).is_some_and(Value::is_object))
                .map(|m| m.to_ascii_uppercase())
                .collect();
            routes.push((segments(path), methods));
        }
        Ok(KnownRoutes { routes })
    }

    /// The methods the documented path matching `path` serves, or `None` when no documented path
    /// matches. A literal segment wins over a parameter (`/reports/activities` is not
    /// `/reports/{id}`), so the most literal match answers.
    pub fn methods_of(&self, path: &str) -> Option<Vec<String>> {
        let asked: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.routes
            .iter()
            .filter(|(template, _)| {
                template.len() == asked.len()
                    && template.iter().zip(&asked).all(|(t, a)| match t {
                        Segment::Literal(l) => l == a,
                        Segment::Parameter => !a.is_empty(),
                    })
            })
            .max_by_key(|(template, _)| template.iter().filter(|s| matches!(s, Segment::Literal(_))).count())
            .map(|(_, methods)| methods.clone())
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .trim_end_matches('/')
        .split('/')
        .map(|s| if s.starts_with('{') && s.ends_with('}') { Segment::Parameter } else { Segment::Literal(s.to_string()) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_documented_path_names_its_methods_and_an_unknown_one_nothing() {
        let routes = KnownRoutes::from_openapi(&crate::openapi::document()).unwrap();
        let cases: [(&str, Option<&[&str]>); 6] = [
            ("/v1/incidents", Some(&["GET", "POST"])),
            ("/v1/incidents/0b9f7c1e-0000-4000-8000-000000000000", Some(&["GET"])),
            ("/v1/codes", Some(&["GET"])),
            ("/hsds/", Some(&["GET"])),
            ("/v1/nothing-here", None),
            ("/v1/incidents/x/y/z", None),
        ];
        for (path, want) in cases {
            let got = routes.methods_of(path);
            match want {
                None => assert_eq!(got, None, "{path}"),
                // Other helpers may add methods to a path (e.g. PATCH): what is asked must be there.
                Some(want) => {
                    let got = got.unwrap_or_else(|| panic!("{path}: no route"));
                    assert!(want.iter().all(|m| got.iter().any(|g| g == m)), "{path}: {got:?}");
                }
            }
        }
    }
}
