//! tccli's profiles: `<dir>/<profile>.credential` (JSON: `secretId`,
//! `secretKey`, `token`, `role-arn`, `role-session-name`, and
//! `"type": "cvm-role"` for the instance role) and `<dir>/<profile>.configure`
//! (JSON: `_sys_param.region`), where `<dir>` is `~/.tccli` and the profile
//! `$TCCLI_PROFILE`, else `default`.

use serde::Deserialize;
use zeroize::Zeroize;

/// The largest profile file read.
const MAX_FILE_LEN: u64 = 64 * 1024;

/// A `.credential` file, as written.
#[derive(Deserialize, Default)]
pub struct Profile {
    /// `secretId`.
    #[serde(rename = "secretId", default)]
    pub secret_id: Option<String>,
    /// `secretKey`.
    #[serde(rename = "secretKey", default)]
    pub secret_key: Option<String>,
    /// `token` (temporary keys).
    #[serde(default)]
    pub token: Option<String>,
    /// `role-arn`: a role to assume with the profile's keys.
    #[serde(rename = "role-arn", default)]
    pub role_arn: Option<String>,
    /// `role-session-name`.
    #[serde(rename = "role-session-name", default)]
    pub role_session_name: Option<String>,
    /// `type`: `cvm-role` takes the CVM instance role's keys.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

impl Drop for Profile {
    fn drop(&mut self) {
        for value in [&mut self.secret_key, &mut self.token]
            .into_iter()
            .flatten()
        {
            value.zeroize();
        }
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("secret_id", &self.secret_id)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("role_arn", &self.role_arn)
            .field("kind", &self.kind)
            .finish()
    }
}

fn read_capped(path: &str) -> std::io::Result<zeroize::Zeroizing<String>> {
    use std::io::Read;
    let mut text = zeroize::Zeroizing::new(String::new());
    std::fs::File::open(path)?
        .take(MAX_FILE_LEN + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_LEN {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {MAX_FILE_LEN} bytes"),
        ));
    }
    Ok(text)
}

/// The profile in `path`: `Ok(None)` when the file does not exist; an
/// error (naming the file, never a value) when it cannot be read or is not
/// a JSON object of strings where tccli writes strings.
pub fn read(path: &str) -> Result<Option<Profile>, String> {
    let text = match read_capped(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{path}: {e}")),
    };
    serde_json::from_str::<Profile>(&text)
        .map(Some)
        .map_err(|e| {
            format!(
                "{path} is not tccli's JSON (line {}, column {})",
                e.line(),
                e.column()
            )
        })
}

#[derive(Deserialize)]
struct Configure {
    #[serde(rename = "_sys_param", default)]
    sys_param: Option<SysParam>,
}

#[derive(Deserialize)]
struct SysParam {
    #[serde(default)]
    region: Option<String>,
}

/// The region of a `.configure` file (`_sys_param.region`), if it has one.
pub fn region(path: &str) -> Option<String> {
    let text = read_capped(path).ok()?;
    let configure: Configure = serde_json::from_str(&text).ok()?;
    configure.sys_param?.region.filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_as_tccli_writes_them() {
        let dir = std::env::temp_dir().join(format!("tcr-tccli-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path.to_str().unwrap().to_owned()
        };
        let keys = file(
            "a.credential",
            r#"{"secretId": "AKID1", "secretKey": "k1", "token": ""}"#,
        );
        let p = read(&keys).unwrap().unwrap();
        assert_eq!(
            (p.secret_id.as_deref(), p.secret_key.as_deref()),
            (Some("AKID1"), Some("k1"))
        );
        let role = file(
            "b.credential",
            r#"{"type": "cvm-role", "role-arn": "qcs::cam::uin/1:roleName/x"}"#,
        );
        let p = read(&role).unwrap().unwrap();
        assert_eq!(
            (p.kind.as_deref(), p.role_arn.as_deref()),
            (Some("cvm-role"), Some("qcs::cam::uin/1:roleName/x"))
        );
        assert!(read(dir.join("missing.credential").to_str().unwrap())
            .unwrap()
            .is_none());
        let bad = file(
            "c.credential",
            r#"{"secretId": 12, "secretKey": "super-secret-value"}"#,
        );
        let err = read(&bad).unwrap_err();
        assert!(
            err.contains("c.credential") && !err.contains("super-secret-value"),
            "{err}"
        );
        let configure = file(
            "a.configure",
            r#"{"_sys_param": {"region": "ap-shanghai", "output": "json"}, "cvm": {}}"#,
        );
        assert_eq!(region(&configure).as_deref(), Some("ap-shanghai"));
        assert_eq!(region(&keys), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
