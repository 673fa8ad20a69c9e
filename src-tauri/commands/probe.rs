//! The connection test: of a saved destination or of the form as typed,
//! its steps streamed as they happen; its one-click fixes applied to a
//! saved destination; and the tests stored for a card.

use chute_core::{CredentialInput, ProbeEvent, ProbeOptions, ProbeReport, ProbeTarget, Saved, Sensitive, Settings, StoredProbe};
use tauri::ipc::Channel;
use tauri::State;

use crate::ipc::{bad_argument, check_id, check_text, on_core, Reply};
use crate::state::AppState;

/// Test a saved destination (`id`) or the form as typed (`settings` +
/// `credentials`, with `editing_id` when editing). Steps and findings stream
/// over `on_event` as they happen; the full report is the reply.
#[tauri::command(rename_all = "snake_case")]
#[allow(clippy::too_many_arguments)]
pub async fn test_destination(
    state: State<'_, AppState>,
    id: Option<String>,
    settings: Option<Settings>,
    credentials: Option<CredentialInput>,
    editing_id: Option<String>,
    read_back: Option<bool>,
    proxy_password: Option<String>,
    sse_c_key: Option<String>,
    on_event: Channel<ProbeEvent>,
) -> Reply<ProbeReport> {
    for x in [&id, &editing_id].into_iter().flatten() {
        check_id(x)?;
    }
    let target = match (id, settings, credentials) {
        (Some(id), None, None) => ProbeTarget::Saved { id },
        (None, Some(settings), Some(credentials)) => {
            let (proxy_password, sse_c_key) = (proxy_password.map(Sensitive::new), sse_c_key.map(Sensitive::new));
            ProbeTarget::Draft { settings, credentials, editing_id, proxy_password, sse_c_key }
        }
        _ => return Err(bad_argument("target", "give either `id`, or `settings` and `credentials`")),
    };
    let opts = ProbeOptions { read_back: read_back.unwrap_or(false), ..ProbeOptions::default() };
    on_core(state, move |c| {
        let mut send = |e: ProbeEvent| {
            // A closed window is no reason to stop the test; its report is stored.
            let _ = on_event.send(e);
        };
        c.test_connection(target, &opts, &mut send)
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn list_probes(state: State<'_, AppState>, id: String, limit: Option<usize>) -> Reply<Vec<StoredProbe>> {
    check_id(&id)?;
    let limit = limit.unwrap_or(20).min(200);
    on_core(state, move |c| c.probes(&id, limit)).await
}

/// A finding's one-click fix on a saved destination: `field` set to `value`
/// and saved (validated like any edit, the key kept).
#[tauri::command(rename_all = "snake_case")]
pub async fn apply_fix(state: State<'_, AppState>, id: String, field: String, value: String) -> Reply<Saved> {
    check_id(&id)?;
    check_text("field", &field, 64)?;
    check_text("value", &value, 4096)?;
    on_core(state, move |c| c.apply_fix(&id, &field, &value)).await
}
