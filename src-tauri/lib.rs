//! The desktop shell: builds the Tauri app, holds the core in state and
//! exposes thin commands. All product logic lives in `chute-core`.

mod commands;
mod delivery;
mod dialogs;
mod history;

use std::sync::Arc;

use chute_core::Code;
use chute_core::{Chute, ErrorInfo, ErrorReply, UserError};

/// The core, or why it could not be opened (shown by the UI instead of
/// crashing: e.g. a database written by a newer Chute).
pub struct AppState {
    core: Result<Arc<Chute>, ErrorReply>,
}

impl AppState {
    pub fn open() -> AppState {
        let dir = chute_core::default_data_dir();
        let core = Chute::open(&dir).map(Arc::new).map_err(|e| ErrorReply { info: e.info(), problems: vec![] });
        // The retention setting is applied at start, off the UI's path.
        if let Ok(c) = &core {
            let c = c.clone();
            std::thread::spawn(move || {
                if let Err(e) = c.apply_retention() {
                    eprintln!("chute: could not apply the history retention: {e}");
                }
            });
        }
        AppState { core }
    }

    pub fn core(&self) -> Result<Arc<Chute>, ErrorReply> {
        self.core.clone()
    }
}

pub(crate) fn internal(message: impl std::fmt::Display) -> ErrorReply {
    ErrorReply {
        info: ErrorInfo {
            code: Code::Internal,
            message: format!("Chute hit an internal error: {message}."),
            fix: "Try again; if it keeps happening, restart Chute and report the message.".into(),
            field: None,
        },
        problems: vec![],
    }
}

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .manage(AppState::open())
        .manage(delivery::Plans::default())
        .manage(dialogs::NativeDialogs::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::catalog,
            commands::key_example,
            commands::list_destinations,
            commands::validate_destination,
            commands::save_destination,
            commands::duplicate_destination,
            commands::delete_destination,
            commands::set_destination_active,
            commands::stored_key_id,
            commands::import_candidates,
            commands::pick_import_file,
            commands::import_destination,
            commands::test_destination,
            commands::list_probes,
            delivery::pick_paths,
            delivery::plan_delivery,
            delivery::plan_page,
            delivery::discard_plan,
            delivery::start_delivery,
            delivery::control_delivery,
            delivery::presign_link,
            delivery::open_object_url,
            delivery::retry_plan,
            delivery::check_existing,
            delivery::rekey_plan,
            history::history_batches,
            history::history_files,
            history::history_counts,
            history::history_file_counts,
            history::history_inputs,
            history::resume_batch,
            history::discard_batch,
            history::history_plan,
            history::delete_history,
            history::history_retention,
            history::export_history,
            history::reveal_source,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Chute");
}
