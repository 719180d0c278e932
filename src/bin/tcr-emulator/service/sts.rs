//! STS (API 2018-08-13), as far as role credentials go: `AssumeRole`
//! (signed with service `sts` by any key the emulator accepts; the role must
//! be one of `--sts-role`) and `AssumeRoleWithWebIdentity` (unsigned; the
//! provider, role and token must be those of `--oidc-*`). Each grant is a
//! fresh temporary key pair that the TCR side then accepts with its session
//! token until it expires.

use super::{reject, Emulator, Reject};
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;

const MAX_DURATION: i64 = 43_200;

impl Emulator {
    pub(super) fn sts(&self, req: &crate::http::Request, action: &str) -> Result<Vec<u8>, Reject> {
        let params = super::region_and_params(req)?;
        let role_arn = string(&params, "RoleArn")?;
        let session_name = string(&params, "RoleSessionName")?;
        if session_name.len() < 2
            || session_name.len() > 64
            || !session_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        {
            return Err(reject(
                "InvalidParameterValue.RoleSessionName",
                "RoleSessionName must be 2 to 64 characters of letters, digits and +=,.@_-",
            ));
        }
        let duration = match params.get("DurationSeconds") {
            None => 7200,
            Some(Value::Number(n)) => match n.as_i64() {
                Some(d) if (1..=MAX_DURATION).contains(&d) => d,
                _ => {
                    return Err(reject(
                        "InvalidParameterValue.DurationSeconds",
                        "DurationSeconds must be 1 to 43200",
                    ))
                }
            },
            Some(_) => {
                return Err(reject(
                    "InvalidParameter",
                    "DurationSeconds must be an integer",
                ))
            }
        };
        match action {
            "AssumeRole" => {
                if self.verify {
                    self.verify_signature(req, tcr::credential::sts::SERVICE)?;
                }
                if !self.sts_roles.iter().any(|r| r == role_arn) {
                    return Err(reject(
                        "InvalidParameter.RoleNotExist",
                        "the role does not exist or may not be assumed",
                    ));
                }
                self.stats.sts_assume_role.fetch_add(1, Ordering::Relaxed);
            }
            "AssumeRoleWithWebIdentity" => {
                // The SDKs send it unsigned; a signature would be ignored.
                let Some(oidc) = &self.oidc else {
                    return Err(reject(
                        "InvalidParameter.WebIdentityTokenError",
                        "no OIDC provider is configured",
                    ));
                };
                let provider = string(&params, "ProviderId")?;
                let token = string(&params, "WebIdentityToken")?;
                if provider != oidc.provider_id {
                    return Err(reject(
                        "InvalidParameter.ProviderIdError",
                        "unknown ProviderId",
                    ));
                }
                if !oidc.tokens.iter().any(|t| t == token) {
                    return Err(reject(
                        "InvalidParameter.WebIdentityTokenError",
                        "the web identity token is not valid",
                    ));
                }
                if role_arn != oidc.role_arn {
                    return Err(reject(
                        "InvalidParameter.RoleNotExist",
                        "the role may not be assumed with this web identity",
                    ));
                }
                self.stats.sts_web_identity.fetch_add(1, Ordering::Relaxed);
            }
            other => {
                return Err(reject(
                    "InvalidAction",
                    format!("action {other:?} does not exist for sts"),
                ))
            }
        }
        Ok(self.grant(self.sts_lifetime.unwrap_or(duration)))
    }

    /// A fresh temporary key pair valid `lifetime` seconds, as STS replies.
    fn grant(&self, lifetime: i64) -> Vec<u8> {
        let n = self.stats.sts_assume_role.load(Ordering::Relaxed)
            + self.stats.sts_web_identity.load(Ordering::Relaxed);
        let (secret_id, secret_key, token, expires_at) =
            self.issue_temporary_keys("AKIDSTS", "sts-token", n, lifetime);
        let mut fields = Map::new();
        fields.insert(
            "Credentials".into(),
            json!({"Token": token, "TmpSecretId": secret_id, "TmpSecretKey": secret_key}),
        );
        fields.insert("ExpiredTime".into(), json!(expires_at));
        fields.insert("Expiration".into(), json!(httpdate_iso(expires_at)));
        self.success(fields)
    }
}

fn string<'a>(params: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, Reject> {
    match params.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) => Err(reject("InvalidParameterValue", format!("{name} is empty"))),
        Some(_) => Err(reject(
            "InvalidParameter",
            format!("{name} must be a string"),
        )),
        None => Err(reject("MissingParameter", format!("missing {name}"))),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (STS's `Expiration`).
fn httpdate_iso(unix: i64) -> String {
    let day = tcr::sign::utc_date(unix);
    let secs = unix.rem_euclid(86_400);
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}
