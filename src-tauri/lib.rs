//! The desktop shell: builds the Tauri app, holds the core in state and
//! exposes thin commands. All product logic lives in `chute-core`.
//!
//! Layers, each using only those below it: `commands/*` (one file per
//! concern) → `tray` (the tray icon, its menu from a pure model) →
//! `pausing` (pause all, resume exactly that) → `plans` (kept plans),
//! `activity` (the deliveries running now), `autostart` (start at login),
//! `dialogs` (native choosers) and `watching` (the runner of watched
//! folders the window hosts, feeding `notify`, the desktop notifications),
//! `closing` (asking before the window closes on active watches, handing
//! them to the agent or keeping Chute in the tray), `opened`
//! (files handed over by a launch: open with, a second launch), `clipboard`
//! (Ctrl+V delivers what was copied; links copied natively) → `ipc`
//! (replies, argument checks, running the core off the window's thread)
//! → `state` (the core, or why it could not open).

mod activity;
mod autostart;
mod clipboard;
mod closing;
mod commands;
mod dialogs;
mod ipc;
mod notify;
mod opened;
mod pausing;
mod plans;
mod state;
mod tray;
mod watching;

use commands::{app, delivery, destinations, history, links, preferences, probe, server, watches};
use tauri::Manager;

pub fn run() {
    tauri::Builder::default()
        // First: a second launch hands its files over and exits before building anything.
        .plugin(tauri_plugin_single_instance::init(|app, args, cwd| {
            opened::hand_over(app, opened::open_request(&args, std::path::Path::new(&cwd)));
        }))
        .plugin(tauri_plugin_notification::init())
        .manage(state::AppState::open())
        .manage(plans::Plans::default())
        .manage(activity::Activity::default())
        .manage(pausing::PausedAll::default())
        .manage(dialogs::NativeDialogs::default())
        .manage(closing::Closing::default())
        .manage(opened::Opened::default())
        .manage(clipboard::NativeClipboard::default())
        .invoke_handler(tauri::generate_handler![
            app::app_info,
            app::catalog,
            app::key_example,
            destinations::list_destinations,
            destinations::validate_destination,
            destinations::save_destination,
            destinations::duplicate_destination,
            destinations::delete_destination,
            destinations::set_destination_active,
            destinations::stored_key_id,
            destinations::import_candidates,
            destinations::pick_import_file,
            destinations::import_destination,
            probe::test_destination,
            probe::list_probes,
            probe::apply_fix,
            server::measure_capabilities,
            server::open_uploads,
            server::abort_uploads,
            delivery::pick_paths,
            delivery::plan_delivery,
            delivery::plan_page,
            delivery::discard_plan,
            delivery::start_delivery,
            delivery::control_delivery,
            delivery::retry_plan,
            delivery::check_existing,
            delivery::rekey_plan,
            delivery::group_plans,
            delivery::bandwidth_limit,
            delivery::set_bandwidth_limit,
            links::presign_link,
            links::open_object_url,
            history::history_batches,
            history::history_files,
            history::history_counts,
            history::history_file_counts,
            history::history_inputs,
            history::resume_plan,
            history::discard_batch,
            history::history_plan,
            history::delete_history,
            history::history_retention,
            history::export_history,
            history::reveal_source,
            history::history_receipt,
            history::verify_batch,
            watches::list_watches,
            watches::add_watch,
            watches::update_watch,
            watches::set_watch_paused,
            watches::remove_watch,
            watches::pick_watch_folder,
            watches::answer_close,
            preferences::notifications,
            preferences::set_notifications,
            preferences::close_answer,
            preferences::set_close_answer,
            preferences::start_at_login,
            preferences::set_start_at_login,
            opened::take_opened_paths,
            clipboard::paste_clipboard,
            clipboard::copy_text,
            clipboard::paste_settings,
            clipboard::set_paste_settings,
        ])
        .setup(|app| {
            // The window runs the watched folders while it is open.
            let core = app.state::<state::AppState>().core().ok();
            app.manage(std::sync::Arc::new(notify::Notifier::new(core.clone())));
            app.manage(watching::Watching::start(app.handle().clone(), core));
            closing::listen_for_the_page(app.handle());
            let tray = tray::start(app.handle());
            let args: Vec<String> = std::env::args().collect();
            // Started at login: hidden in the tray, running the watches (shown when there is no tray).
            if tray.is_shown() && args.iter().any(|a| a == autostart::IN_TRAY) {
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.hide();
                }
            }
            app.manage(tray);
            // This launch's own files, if it was given any.
            let cwd = std::env::current_dir().unwrap_or_default();
            if let Some(request) = opened::open_request(&args, &cwd) {
                app.state::<opened::Opened>().keep(request);
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                closing::on_close_requested(window, api);
            }
        })
        .build(tauri::generate_context!())
        .expect("error while building Chute")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<watching::Watching>().stop_and_wait();
            }
        });
}
