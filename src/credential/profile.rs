//! The credentials profile file (`~/.tencentcloud/credentials`, INI):
//!
//! ```ini
//! [default]
//! secret_id = AKID...
//! secret_key = ...
//! token = ...        ; optional, for temporary credentials
//! role_arn = ...     ; optional: a role to assume with these keys (role-arn too)
//! role_session_name = ...
//! ```

use zeroize::Zeroize;

/// The keys of one section, as written in the file.
#[derive(Default)]
pub struct Section {
    /// `secret_id` of the section.
    pub secret_id: Option<String>,
    /// `secret_key` of the section.
    pub secret_key: Option<String>,
    /// `token` of the section (temporary credentials).
    pub token: Option<String>,
    /// `role_arn` (or `role-arn`): a role to assume with the section's keys.
    pub role_arn: Option<String>,
    /// `role_session_name` (or `role-session-name`).
    pub role_session_name: Option<String>,
}

impl std::fmt::Debug for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Section")
            .field("secret_id", &self.secret_id)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .finish()
    }
}

impl Drop for Section {
    fn drop(&mut self) {
        for value in [&mut self.secret_key, &mut self.token]
            .into_iter()
            .flatten()
        {
            value.zeroize();
        }
    }
}

/// Finds `[section]` in INI `text`. `Err` carries a parse error (line
/// number and what is wrong, never a value) of a section header or of a
/// line of the requested section; other sections are not parsed.
///
/// Hand-written rather than a general INI crate on purpose: it keeps only
/// the requested section's keys, whose secrets are wiped on drop, where a
/// general parser would hold every profile's secrets in an unwiped map.
pub fn find_section(text: &str, section: &str) -> Result<Option<Section>, String> {
    let mut current: Option<&str> = None;
    let mut found: Option<Section> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| format!("line {}: a section header must end with ']'", index + 1))?;
            current = Some(name.trim());
            if current == Some(section) && found.is_none() {
                found = Some(Section::default());
            }
            continue;
        }
        // Other tools write their own sections here, in their own syntax:
        // only the requested section's lines are read at all.
        if current != Some(section) {
            continue;
        }
        // `key = value`, or `key: value` as Python's configparser also writes.
        let (key, value) = line
            .find(['=', ':'])
            .map(|at| (&line[..at], &line[at + 1..]))
            .ok_or_else(|| format!("line {}: expected key = value", index + 1))?;
        let value = value.trim().to_owned();
        let slot = found.as_mut().expect("the section was opened");
        match key.trim() {
            "secret_id" => slot.secret_id = Some(value),
            "secret_key" => slot.secret_key = Some(value),
            "token" => slot.token = Some(value),
            "role_arn" | "role-arn" => slot.role_arn = Some(value),
            "role_session_name" | "role-session-name" => slot.role_session_name = Some(value),
            _ => {}
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_comments_and_errors() {
        let text = "# comment\n[default]\nsecret_id = AKID1\nsecret_key=key1\n\n[ci]\n; temporary\nsecret_id = AKID2\nsecret_key = key2\ntoken = tok\nother = x\n";
        let d = find_section(text, "default").unwrap().unwrap();
        assert_eq!(
            (
                d.secret_id.as_deref(),
                d.secret_key.as_deref(),
                d.token.as_deref()
            ),
            (Some("AKID1"), Some("key1"), None)
        );
        let ci = find_section(text, "ci").unwrap().unwrap();
        assert_eq!(ci.token.as_deref(), Some("tok"));
        assert!(find_section(text, "missing").unwrap().is_none());
        let err = find_section("[default]\nsecret_key\n", "default").unwrap_err();
        assert!(
            err.contains("line 2") && !err.contains("secret_key\n"),
            "{err}"
        );
        assert!(find_section("[default\n", "default").is_err());
    }

    #[test]
    fn other_sections_do_not_matter() {
        // Another tool's section, in a syntax this parser does not read.
        let text = "[other-tool]\nendpoint: x\njust a line\n[default]\nsecret_id = AKID1\nsecret_key: key1\n";
        let d = find_section(text, "default").unwrap().unwrap();
        assert_eq!(d.secret_id.as_deref(), Some("AKID1"));
        assert_eq!(d.secret_key.as_deref(), Some("key1"));
        assert!(find_section(text, "other-tool").is_err());
    }
}
