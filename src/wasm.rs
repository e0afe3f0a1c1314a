//! JavaScript bindings: a thin shell over [`Engine`] for the browser add-ins and the demo
//! page. Decisions stay in the core; this file only converts values and errors. Per-sender
//! records let a host keep the baseline in IndexedDB and touch only what one message needs.

use wasm_bindgen::prelude::*;

use crate::baseline::{Baseline, Profile};
use crate::engine::{CORRESPONDENTS_KEY, Engine as CoreEngine};
use crate::{demo, mailbox, signals};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export type Action = "none" | "warn" | "hold";
export interface Reason { signal: string; tag: string | null; weight: number; text: string }
export interface Report {
  message_id: string; from: string; from_name: string; subject: string;
  date: number | null; score: number; action: Action; tags: string[];
  reasons: Reason[]; history: number; headline: string;
}
export interface ProfileSummary { address: string; messages: number; first_seen: number; last_seen: number; reported: number }
export interface SignalInfo { id: string; family: string; weight: number; why: string; benign_when: string }
"#;

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert result: {e}")))
}

fn report_to_js(report: &crate::Report) -> Result<JsValue, JsError> {
    let mut value = serde_json::to_value(report).map_err(|e| JsError::new(&e.to_string()))?;
    if let Some(obj) = value.as_object_mut() {
        obj.insert("headline".into(), report.headline().into());
    }
    to_js(&value)
}

/// A record key for a sender (`sender:<address>`) or an organisation (`domain:<domain>`).
fn split_key(key: &str) -> Result<(&str, &str), JsError> {
    key.split_once(':')
        .filter(|(kind, name)| {
            matches!(*kind, "sender" | "domain") || (*kind == "meta" && *name == "correspondents")
        })
        .ok_or_else(|| {
            JsError::new(&format!(
                "record key {key:?} is not sender:…, domain:… or meta:correspondents"
            ))
        })
}

#[wasm_bindgen]
pub struct Engine {
    inner: CoreEngine,
}

#[wasm_bindgen]
impl Engine {
    /// An engine with an empty baseline.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine {
            inner: CoreEngine::new(),
        }
    }

    /// Replaces the whole baseline with an exported one (JSON); the current one is kept if
    /// the text is not a valid baseline.
    #[wasm_bindgen(js_name = importBaseline)]
    pub fn import_baseline(&mut self, json: &str) -> Result<(), JsError> {
        let baseline: Baseline = serde_json::from_str(json)
            .map_err(|e| JsError::new(&format!("not a familiar baseline: {e}")))?;
        let baseline = baseline.validate().map_err(|e| JsError::new(&e.0))?;
        self.inner = CoreEngine::with_baseline(baseline);
        Ok(())
    }

    /// The whole baseline as JSON, for export.
    #[wasm_bindgen(js_name = exportBaseline)]
    pub fn export_baseline(&self) -> Result<String, JsError> {
        serde_json::to_string(self.inner.baseline()).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Forgets everything learned.
    pub fn erase(&mut self) {
        let owner = self.inner.baseline().owner.clone();
        self.inner = CoreEngine::new();
        self.inner.set_owner(&owner);
    }

    /// The mailbox owner's addresses: their mail is sent mail.
    #[wasm_bindgen(js_name = setOwner)]
    pub fn set_owner(&mut self, addresses: Vec<String>) {
        self.inner.set_owner(&addresses);
    }

    /// Scores a raw message without learning from it.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn score(&self, raw: &[u8]) -> Result<JsValue, JsError> {
        report_to_js(&self.inner.score(raw))
    }

    /// Scores a raw message, then learns from it if it was in character.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn process(&mut self, raw: &[u8]) -> Result<JsValue, JsError> {
        report_to_js(&self.inner.process(raw))
    }

    /// Learns a message as normal for its sender, whatever it scored.
    #[wasm_bindgen(js_name = markNormal, unchecked_return_type = "Report")]
    pub fn mark_normal(&mut self, raw: &[u8]) -> Result<JsValue, JsError> {
        report_to_js(&self.inner.mark_normal(raw))
    }

    /// Records that the user reported this message.
    #[wasm_bindgen(js_name = reportMessage)]
    pub fn report_message(&mut self, raw: &[u8]) {
        self.inner.report_message(raw);
    }

    /// What is known about one sender, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "ProfileSummary | undefined")]
    pub fn profile(&self, address: &str) -> Result<JsValue, JsError> {
        match self.inner.profile(address) {
            None => Ok(JsValue::UNDEFINED),
            Some(p) => to_js(&serde_json::json!({
                "address": address.trim().to_lowercase(),
                "messages": p.messages,
                "first_seen": p.first_seen,
                "last_seen": p.last_seen,
                "reported": p.reported,
            })),
        }
    }

    /// The record keys a message reads and writes: its sender and its organisation.
    #[wasm_bindgen(js_name = keysFor)]
    pub fn keys_for(raw: &[u8]) -> Vec<String> {
        CoreEngine::record_keys(raw)
    }

    /// One record (a profile as JSON), or `undefined` when none is held.
    #[wasm_bindgen(js_name = getRecord)]
    pub fn get_record(&self, key: &str) -> Result<Option<String>, JsError> {
        let (kind, name) = split_key(key)?;
        if kind == "meta" {
            return self
                .inner
                .correspondents_json()
                .map(Some)
                .map_err(|e| JsError::new(&e.0));
        }
        let b = self.inner.baseline();
        let p = if kind == "sender" {
            b.senders.get(name)
        } else {
            b.domains.get(name)
        };
        p.map(|p| serde_json::to_string(p).map_err(|e| JsError::new(&e.to_string())))
            .transpose()
    }

    /// Loads one record; a record that does not decode is refused with an error and the
    /// engine keeps what it had.
    #[wasm_bindgen(js_name = putRecord)]
    pub fn put_record(&mut self, key: &str, json: &str) -> Result<(), JsError> {
        let (kind, name) = split_key(key)?;
        if kind == "meta" {
            return self
                .inner
                .put_correspondents_json(json)
                .map_err(|e| JsError::new(&e.0));
        }
        let profile: Profile = serde_json::from_str(json)
            .map_err(|e| JsError::new(&format!("record {key:?} is not a profile: {e}")))?;
        self.inner
            .put_profile(kind == "sender", name, profile)
            .map_err(|e| JsError::new(&e.0))
    }

    /// Drops one record from memory (not from storage).
    #[wasm_bindgen(js_name = dropRecord)]
    pub fn drop_record(&mut self, key: &str) -> Result<(), JsError> {
        let (kind, name) = split_key(key)?;
        // The correspondents record is small and every message may need it: it stays.
        if kind != "meta" {
            self.inner.drop_profile(kind == "sender", name);
        }
        Ok(())
    }

    /// Keys of every record held in memory.
    #[wasm_bindgen(js_name = recordKeys)]
    pub fn record_keys(&self) -> Vec<String> {
        let b = self.inner.baseline();
        let senders = b.senders.keys().map(|k| format!("sender:{k}"));
        senders
            .chain(b.domains.keys().map(|k| format!("domain:{k}")))
            .chain(std::iter::once(CORRESPONDENTS_KEY.to_string()))
            .collect()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// The messages of an mbox file.
#[wasm_bindgen(js_name = splitMbox)]
pub fn split_mbox(data: &[u8]) -> Vec<js_sys::Uint8Array> {
    mailbox::split_mbox(data)
        .iter()
        .map(|m| js_sys::Uint8Array::from(m.as_slice()))
        .collect()
}

/// The Date of a raw message in milliseconds since the epoch, or `undefined`.
#[wasm_bindgen(js_name = dateOf)]
pub fn date_of(raw: &[u8]) -> Option<f64> {
    mailbox::date_of(raw).map(|s| s as f64 * 1000.0)
}

/// The built-in example mailbox, one raw message per entry, in file order.
#[wasm_bindgen(js_name = demoMailbox)]
pub fn demo_mailbox() -> Vec<js_sys::Uint8Array> {
    demo::mailbox()
        .iter()
        .map(|m| js_sys::Uint8Array::from(m.as_slice()))
        .collect()
}

/// The demo mailbox owner's address.
#[wasm_bindgen(js_name = demoOwner)]
pub fn demo_owner() -> String {
    demo::OWNER.to_string()
}

/// The signal catalogue.
#[wasm_bindgen(unchecked_return_type = "SignalInfo[]")]
pub fn signals() -> Result<JsValue, JsError> {
    to_js(&signals::SIGNALS)
}
