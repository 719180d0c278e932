//! The CVM metadata service's role credentials (`--role`).

use super::Emulator;
use serde_json::json;
use std::sync::atomic::Ordering;

impl Emulator {
    /// `GET /latest/meta-data/cam/security-credentials/[ROLE]`, as the CVM
    /// metadata service answers: the role's name, or fresh temporary
    /// credentials for it (a new key pair each time, valid for the role's TTL).
    pub fn metadata(&self, role_path: &str) -> Option<(u16, Vec<u8>)> {
        let role = self.role.as_ref()?;
        if role_path.is_empty() {
            return Some((200, role.name.clone().into_bytes()));
        }
        if role_path != role.name {
            return Some((404, b"no such role".to_vec()));
        }
        let n = self.stats.metadata_fetches.fetch_add(1, Ordering::Relaxed) + 1;
        let (secret_id, secret_key, token, expires_at) =
            self.issue_temporary_keys("AKIDROLE", "role-token", n, role.ttl);
        let body = json!({
            "TmpSecretId": secret_id, "TmpSecretKey": secret_key, "Token": token,
            "ExpiredTime": expires_at, "Expiration": "", "Code": "Success",
        });
        Some((
            200,
            serde_json::to_vec(&body).expect("JSON values serialise"),
        ))
    }
}
