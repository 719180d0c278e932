//! The unsigned control endpoints' bodies: token state, counters, the last
//! requests, and reset.

use super::Emulator;
use serde_json::{json, Map, Value};
use std::sync::atomic::Ordering;

impl Emulator {
    /// `GET /_emulator/state`: every token's state.
    pub fn state_json(&self) -> Vec<u8> {
        let registries = self.registries.lock().unwrap();
        let mut out = Map::new();
        for (registry, tokens) in registries.iter() {
            let mut t = Map::new();
            for (id, s) in tokens {
                t.insert(id.clone(), json!({"enabled": s.enabled, "desc": s.desc}));
            }
            out.insert(registry.clone(), Value::Object(t));
        }
        serde_json::to_vec(&json!({ "registries": out })).expect("JSON values serialise")
    }

    /// `GET /_emulator/stats`: request counters and answers by code.
    pub fn stats_json(&self) -> Vec<u8> {
        let s = &self.stats;
        serde_json::to_vec(&json!({
            "requests": s.requests.load(Ordering::Relaxed),
            "accepted": s.accepted.load(Ordering::Relaxed),
            "rejected": s.rejected.load(Ordering::Relaxed),
            "faults": s.faults.load(Ordering::Relaxed),
            "proxied": s.proxied.load(Ordering::Relaxed),
            "metadata_fetches": s.metadata_fetches.load(Ordering::Relaxed),
            "sts_assume_role": s.sts_assume_role.load(Ordering::Relaxed),
            "sts_web_identity": s.sts_web_identity.load(Ordering::Relaxed),
            "connections": s.connections.load(Ordering::Relaxed),
            "by_code": *self.by_code.lock().unwrap(),
        }))
        .expect("JSON values serialise")
    }

    /// `GET /_emulator/requests`: the last requests seen, oldest first,
    /// without Authorization and X-TC-Token.
    pub fn requests_json(&self) -> Vec<u8> {
        let seen = self.seen.lock().unwrap();
        let list: Vec<Value> = seen
            .iter()
            .map(|s| {
                let headers: Map<String, Value> = s
                    .headers
                    .iter()
                    .map(|(n, v)| (n.clone(), Value::String(v.clone())))
                    .collect();
                // Also in order, as sent, for tests that compare clients
                // header by header.
                let header_list: Vec<[&str; 2]> =
                    s.headers.iter().map(|(n, v)| [n.as_str(), v.as_str()]).collect();
                json!({"headers": headers, "header_list": header_list, "body": s.body, "code": s.code})
            })
            .collect();
        serde_json::to_vec(&json!({ "requests": list })).expect("JSON values serialise")
    }

    /// `POST /_emulator/reset`: zero the counters, forget requests, clear faults.
    pub fn reset(&self) {
        let s = &self.stats;
        for c in [
            &s.requests,
            &s.accepted,
            &s.rejected,
            &s.faults,
            &s.proxied,
            &s.metadata_fetches,
            &s.sts_assume_role,
            &s.sts_web_identity,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        self.by_code.lock().unwrap().clear();
        self.seen.lock().unwrap().clear();
        self.buckets.lock().unwrap().clear();
        self.set_fault(None, None, 0, None);
    }
}
