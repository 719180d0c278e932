//! TC3-HMAC-SHA256 verified the way the service does it.

use super::{now, reject, Emulator, Reject};
use tcr::sign::{self, SigningKey};

impl Emulator {
    /// Verifies the TC3 signature the way the service does; returns the SecretId.
    pub(super) fn verify_signature(
        &self,
        req: &crate::http::Request,
        expected_service: &str,
    ) -> Result<String, Reject> {
        let auth = req.header("authorization").ok_or_else(|| {
            reject(
                "AuthFailure.SignatureFailure",
                "missing Authorization header",
            )
        })?;
        let fields = auth.strip_prefix("TC3-HMAC-SHA256 ").ok_or_else(|| {
            reject(
                "AuthFailure.InvalidAuthorization",
                "Authorization is not TC3-HMAC-SHA256",
            )
        })?;
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in fields.split(',') {
            match part.trim().split_once('=') {
                Some(("Credential", v)) => credential = Some(v),
                Some(("SignedHeaders", v)) => signed_headers = Some(v),
                Some(("Signature", v)) => signature = Some(v),
                _ => {}
            }
        }
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            return Err(reject(
                "AuthFailure.InvalidAuthorization",
                "Authorization lacks Credential, SignedHeaders or Signature",
            ));
        };
        let scope: Vec<&str> = credential.split('/').collect();
        let [secret_id, date, service, terminator] = scope[..] else {
            return Err(reject(
                "AuthFailure.InvalidAuthorization",
                "Credential is not SecretId/Date/Service/tc3_request",
            ));
        };
        let timestamp: i64 = req
            .header("x-tc-timestamp")
            .ok_or_else(|| reject("MissingParameter", "missing X-TC-Timestamp"))?
            .parse()
            .map_err(|_| reject("InvalidParameter", "X-TC-Timestamp is not an integer"))?;
        if (now() - timestamp).abs() > self.max_skew {
            return Err(reject(
                "AuthFailure.SignatureExpire",
                format!(
                    "the signature timestamp is more than {} seconds from the server time",
                    self.max_skew
                ),
            ));
        }
        let keys = self.keys.read().unwrap();
        let key = keys
            .get(secret_id)
            .ok_or_else(|| reject("AuthFailure.SecretIdNotFound", "the SecretId is not found"))?;
        if key.expires_at.is_some_and(|t| now() > t) {
            return Err(reject(
                "AuthFailure.TokenFailure",
                "the temporary credentials have expired",
            ));
        }
        if date != sign::utc_date(timestamp)
            || service != expected_service
            || terminator != "tc3_request"
        {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                format!("the credential scope does not match the timestamp's UTC date, the service {expected_service} and tc3_request"),
            ));
        }
        let names: Vec<&str> = signed_headers.split(';').collect();
        if !names.contains(&"content-type") || !names.contains(&"host") {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "SignedHeaders must include content-type and host",
            ));
        }
        let mut canonical = format!(
            "{}\n{}\n{}\n",
            req.method,
            req.path(),
            req.target.split_once('?').map_or("", |q| q.1)
        );
        for name in &names {
            let value = req.header(name).ok_or_else(|| {
                reject(
                    "AuthFailure.SignatureFailure",
                    format!("signed header {name} is not in the request"),
                )
            })?;
            canonical.push_str(name);
            canonical.push(':');
            canonical.push_str(&value.trim().to_ascii_lowercase());
            canonical.push('\n');
        }
        canonical.push('\n');
        canonical.push_str(signed_headers);
        canonical.push('\n');
        canonical.push_str(&sign::sha256_hex(&req.body));
        let expected = sign::signature_of_canonical(
            &canonical,
            timestamp,
            date,
            expected_service,
            &SigningKey::derive(key.secret_key.as_bytes(), date, expected_service),
        );
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return Err(reject(
                "AuthFailure.SignatureFailure",
                "the request signature does not match",
            ));
        }
        match (&key.session_token, req.header("x-tc-token")) {
            (Some(want), Some(got)) if want == got => {}
            (None, None) => {}
            (Some(_), _) => {
                return Err(reject(
                    "AuthFailure.TokenFailure",
                    "the session token is missing or wrong for these temporary credentials",
                ))
            }
            (None, Some(_)) => {
                return Err(reject(
                    "AuthFailure.TokenFailure",
                    "a session token was sent with permanent credentials",
                ))
            }
        }
        Ok(secret_id.to_owned())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
