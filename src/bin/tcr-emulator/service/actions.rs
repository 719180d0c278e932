//! The actions over the in-memory token state, with the service's
//! parameter checks: a long-term access credential's lifecycle
//! (CreateInstanceToken, DescribeInstanceToken, ModifyInstanceToken,
//! DeleteInstanceToken), shaped as Tencent's API documents them.

use super::{reject, Emulator, Reject, TokenState};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

impl Emulator {
    pub(super) fn modify_instance_token(
        &self,
        params: &Map<String, Value>,
    ) -> Result<Vec<u8>, Reject> {
        check_known(
            params,
            &["RegistryId", "TokenId", "Enable", "Desc", "ModifyFlag"],
        )?;
        let registry_id = required_string(params, "RegistryId")?;
        let token_id = required_string(params, "TokenId")?;
        let enable = match params.get("Enable") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err(reject("InvalidParameter", "Enable must be a Boolean")),
        };
        let desc = optional_string(params, "Desc")?;
        let flag = match params.get("ModifyFlag") {
            None => 2,
            Some(Value::Number(n)) if n.is_i64() => n.as_i64().unwrap_or(0),
            Some(_) => return Err(reject("InvalidParameter", "ModifyFlag must be an Integer")),
        };
        let mut registries = self.registries.lock().unwrap();
        let tokens = registry(&mut registries, registry_id)?;
        let token = tokens.get_mut(token_id).ok_or_else(|| {
            reject(
                "ResourceNotFound",
                format!("token {token_id} does not exist in {registry_id}"),
            )
        })?;
        match flag {
            1 => {
                token.desc = desc
                    .ok_or_else(|| {
                        reject("MissingParameter", "Desc is required when ModifyFlag is 1")
                    })?
                    .to_owned()
            }
            2 => {
                token.enabled = enable.ok_or_else(|| {
                    reject(
                        "MissingParameter",
                        "Enable is required when ModifyFlag is 2",
                    )
                })?
            }
            other => {
                return Err(reject(
                    "InvalidParameterValue",
                    format!("ModifyFlag must be 1 or 2, got {other}"),
                ))
            }
        }
        Ok(self.success(Map::new()))
    }

    pub(super) fn describe_instance_token(
        &self,
        params: &Map<String, Value>,
    ) -> Result<Vec<u8>, Reject> {
        check_known(params, &["RegistryId", "Limit", "Offset", "TokenType"])?;
        let registry_id = required_string(params, "RegistryId")?;
        let number = |name: &str, default: u64| match params.get(name) {
            None => Ok(default),
            Some(Value::Number(n)) if n.is_u64() => Ok(n.as_u64().unwrap_or(default)),
            Some(_) => Err(reject(
                "InvalidParameter",
                format!("{name} must be a non-negative Integer"),
            )),
        };
        let (limit, offset) = (number("Limit", 20)?, number("Offset", 0)?);
        let mut registries = self.registries.lock().unwrap();
        let tokens = &*registry(&mut registries, registry_id)?;
        let list: Vec<Value> = tokens
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|(id, t)| {
                json!({"Id": id, "Desc": t.desc, "RegistryId": registry_id, "Enabled": t.enabled,
                       "CreatedAt": t.created_at.to_string(), "ExpiredAt": 0})
            })
            .collect();
        let mut fields = Map::new();
        fields.insert("TotalCount".into(), json!(tokens.len()));
        fields.insert("Tokens".into(), Value::Array(list));
        Ok(self.success(fields))
    }
}

impl Emulator {
    /// `CreateInstanceToken`: `RegistryId`, `TokenType` (`longterm`, or
    /// `temp`, the default: valid one hour) and `Desc` (long-term only).
    /// Replies `Username`, `Token`, `ExpTime` (for a temporary credential
    /// its expiry in milliseconds since the epoch; 0 for a long-term one)
    /// and, for a long-term credential, `TokenId`.
    pub(super) fn create_instance_token(
        &self,
        params: &Map<String, Value>,
    ) -> Result<Vec<u8>, Reject> {
        check_known(params, &["RegistryId", "TokenType", "Desc"])?;
        let registry_id = required_string(params, "RegistryId")?;
        let long_term = match optional_string(params, "TokenType")? {
            None | Some("temp") => false,
            Some("longterm") => true,
            Some(other) => {
                return Err(reject(
                    "InvalidParameterValue",
                    format!("TokenType must be longterm or temp, got {other:?}"),
                ))
            }
        };
        let desc = optional_string(params, "Desc")?.unwrap_or("");
        if desc.chars().count() > 1024 {
            return Err(reject(
                "InvalidParameterValue",
                "Desc is longer than 1024 characters",
            ));
        }
        let mut registries = self.registries.lock().unwrap();
        let tokens = registry(&mut registries, registry_id)?;
        // Not a secret anywhere but here: a made-up credential.
        let token = self.request_id().replace('-', "");
        let mut fields = Map::new();
        fields.insert("Username".into(), json!(EMULATED_USERNAME));
        fields.insert("Token".into(), json!(token));
        if long_term {
            let id = self.request_id();
            tokens.insert(
                id.clone(),
                TokenState {
                    enabled: true,
                    desc: desc.to_owned(),
                    created_at: super::now(),
                },
            );
            fields.insert("ExpTime".into(), json!(0));
            fields.insert("TokenId".into(), json!(id));
        } else {
            fields.insert("ExpTime".into(), json!((super::now() + 3600) * 1000));
        }
        Ok(self.success(fields))
    }

    /// `DeleteInstanceToken`: `RegistryId` and `TokenId`; replies only the
    /// RequestId.
    pub(super) fn delete_instance_token(
        &self,
        params: &Map<String, Value>,
    ) -> Result<Vec<u8>, Reject> {
        check_known(params, &["RegistryId", "TokenId"])?;
        let registry_id = required_string(params, "RegistryId")?;
        let token_id = required_string(params, "TokenId")?;
        let mut registries = self.registries.lock().unwrap();
        let tokens = registry(&mut registries, registry_id)?;
        if tokens.remove(token_id).is_none() {
            return Err(reject(
                "ResourceNotFound",
                format!("token {token_id} does not exist in {registry_id}"),
            ));
        }
        Ok(self.success(Map::new()))
    }
}

/// The user name of the registry credentials the emulator hands out.
const EMULATED_USERNAME: &str = "100000000001";

/// The tokens of an instance, or the service's answer for an unknown one.
fn registry<'r>(
    registries: &'r mut BTreeMap<String, BTreeMap<String, TokenState>>,
    registry_id: &str,
) -> Result<&'r mut BTreeMap<String, TokenState>, Reject> {
    registries.get_mut(registry_id).ok_or_else(|| {
        reject(
            "ResourceNotFound",
            format!("instance {registry_id} does not exist"),
        )
    })
}

fn check_known(params: &Map<String, Value>, known: &[&str]) -> Result<(), Reject> {
    match params.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(reject(
            "UnknownParameter",
            format!("the parameter {k} is not recognized"),
        )),
        None => Ok(()),
    }
}

fn optional_string<'a>(
    params: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Reject> {
    match params.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(reject(
            "InvalidParameter",
            format!("{name} must be a String"),
        )),
    }
}

fn required_string<'a>(params: &'a Map<String, Value>, name: &str) -> Result<&'a str, Reject> {
    match optional_string(params, name)? {
        None => Err(reject(
            "MissingParameter",
            format!("the parameter {name} is missing"),
        )),
        Some("") => Err(reject(
            "InvalidParameterValue",
            format!("{name} must not be empty"),
        )),
        Some(s) => Ok(s),
    }
}
