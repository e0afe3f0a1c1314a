//! familiar learns, from one person's own mail, how each of their correspondents normally
//! writes, and scores every new message 0–100 for how far it is out of character.
//!
//! The pipeline, one module per step: raw bytes → [`message`] (parsed view) → [`features`]
//! (with [`links`], [`text`], [`intent`], [`domains`]) → [`baseline`] (per-sender habits) →
//! [`score`] (report with tags and reasons, from the [`signals`] catalogue). [`engine`] ties
//! them together with the rule for learning. The core does no I/O and never panics on input.

#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod baseline;
pub mod demo;
pub mod domains;
pub mod engine;
pub mod features;
pub mod intent;
pub mod links;
pub mod mailbox;
pub mod message;
pub mod score;
pub mod signals;
pub mod text;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use baseline::{Baseline, BaselineError, Profile};
pub use engine::Engine;
pub use score::{Action, Reason, Report};
pub use signals::{SIGNALS, Signal, Tag};
