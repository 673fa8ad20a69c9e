//! What every command shares: its reply type, running the core off the
//! window's thread, and refusing malformed arguments before they reach
//! the core.

use std::sync::Arc;

use chute_core::{Chute, Code, ErrorInfo, ErrorReply};
use tauri::State;

use crate::state::AppState;

pub(crate) type Reply<T> = Result<T, ErrorReply>;

/// A reply naming a cause and its fix.
pub(crate) fn refusal(code: Code, message: impl Into<String>, fix: impl Into<String>) -> ErrorReply {
    ErrorInfo { code, message: message.into(), fix: fix.into(), field: None }.into()
}

/// Run `f` on the core on a blocking worker: keychain, SQLite and network
/// calls never run on the window's thread.
pub(crate) async fn on_core<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&Chute) -> chute_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let core: Arc<Chute> = state.core()?;
    tauri::async_runtime::spawn_blocking(move || f(&core).map_err(|e| e.reply())).await.map_err(internal)?
}

/// A blocking job that is not the core's (an importer, an opener).
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Reply<T> + Send + 'static) -> Reply<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(internal)?
}

pub(crate) fn internal(message: impl std::fmt::Display) -> ErrorReply {
    refusal(
        Code::Internal,
        format!("Chute hit an internal error: {message}."),
        "Try again; if it keeps happening, restart Chute and report the message.",
    )
}

pub(crate) fn bad_argument(name: &str, why: &str) -> ErrorReply {
    refusal(
        Code::BadArgument,
        format!("The app sent an invalid `{name}`: {why}."),
        "Reload the window (Ctrl+R); if it persists, report it.",
    )
}

/// Ids (destinations, plans, batches) are UUIDs; refuse anything else.
pub(crate) fn check_id(id: &str) -> Reply<()> {
    let ok = id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(bad_argument("id", "not an id"))
    }
}

pub(crate) fn check_text(name: &str, value: &str, max: usize) -> Reply<()> {
    if value.len() > max {
        return Err(bad_argument(name, &format!("longer than {max} bytes")));
    }
    Ok(())
}

/// An object key as the web side names one.
pub(crate) fn check_key(key: &str) -> Reply<()> {
    if key.is_empty() || key.len() > 1024 {
        return Err(bad_argument("key", "not an object key"));
    }
    Ok(())
}
