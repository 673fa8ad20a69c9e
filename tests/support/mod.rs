//! What the test binaries share, one module for all of them: real servers
//! on loopback, a real HTTP proxy (tinyproxy), a real keychain on a private
//! bus, the fault-injecting proxy, the scripted S3 answerer (the one mock),
//! the `chute` binary's world and terminal, credentials for the engine,
//! and content helpers. A binary includes it with `mod support;`
//! (`#[path = "../support/mod.rs"] mod support;` from a folder of its own)
//! and uses what it needs.
#![allow(dead_code)]

pub mod auth;
pub mod content;
pub mod facade;
pub mod faults;
pub mod garage;
pub mod http_proxy;
pub mod keychain;
#[cfg(unix)]
pub mod pty;
pub mod scripted;
pub mod servers;
pub mod world;
