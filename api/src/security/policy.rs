//! The access policy: which roles may call each route.
//!
//! Each handler declares its roles once, next to its code, as the scopes of
//! its `bearer` security requirement in `#[utoipa::path(security(...))]`
//! (OpenAPI 3.1 lets scopes name roles for non-OAuth schemes). The policy is
//! read back from the generated document, so the documentation and the
//! enforcement cannot disagree, and a route without a policy is refused.

use super::Role;
use actix_web::http::Method;
use serde_json::Value;
use std::collections::HashMap;
use std::str::FromStr;

#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// `(METHOD, path template)` → roles allowed. Public routes are absent.
    routes: HashMap<(String, String), Vec<Role>>,
}

/// The roles a documented operation allows, or `None` when it is public.
pub fn roles_of(operation: &Value) -> Result<Option<Vec<Role>>, String> {
    let Some(requirements) = operation.get("security").and_then(Value::as_array) else {
        return Ok(None);
    };
    let mut roles = Vec::new();
    for requirement in requirements {
        for scope in requirement.get("bearer").and_then(Value::as_array).into_iter().flatten() {
            let name = scope.as_str().unwrap_or_default();
            roles.push(Role::from_str(name)?);
        }
    }
    Ok(Some(roles))
}

impl Policy {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Result<Policy, String> {
        let doc = serde_json::to_value(doc).map_err(|e| e.to_string())?;
        let mut routes = HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                if let Some(roles) = roles_of(operation).map_err(|e| format!("{method} {path}: {e}"))? {
                    if roles.is_empty() {
                        return Err(format!("{method} {path}: `bearer` security lists no role"));
                    }
                    routes.insert((method.to_ascii_uppercase(), path.clone()), roles);
                }
            }
        }
        Ok(Policy { routes })
    }

    /// Roles for the matched route; `None` when the route has no policy.
    pub fn allowed(&self, method: &Method, pattern: &str) -> Option<&[Role]> {
        self.routes
            .get(&(method.as_str().to_string(), pattern.to_string()))
            .map(Vec::as_slice)
    }
}
