/// The commands the UI may call; each gets an `allow-<command>` permission,
/// and src-tauri/capabilities/default.json grants exactly these.
const COMMANDS: &[&str] = &[
    "app_info",
    "catalog",
    "key_example",
    "list_destinations",
    "validate_destination",
    "save_destination",
    "duplicate_destination",
    "delete_destination",
    "set_destination_active",
    "stored_key_id",
    "import_candidates",
    "pick_import_file",
    "import_destination",
    "test_destination",
    "list_probes",
    "apply_fix",
    "pick_paths",
    "plan_delivery",
    "plan_page",
    "discard_plan",
    "start_delivery",
    "control_delivery",
    "presign_link",
    "open_object_url",
    "retry_plan",
    "check_existing",
    "rekey_plan",
    "group_plans",
    "history_batches",
    "history_files",
    "history_counts",
    "history_file_counts",
    "history_inputs",
    "resume_plan",
    "discard_batch",
    "history_plan",
    "delete_history",
    "history_retention",
    "export_history",
    "reveal_source",
    "history_receipt",
    "verify_batch",
    "list_watches",
    "add_watch",
    "update_watch",
    "set_watch_paused",
    "remove_watch",
    "pick_watch_folder",
    "watch_notifications",
    "set_watch_notifications",
    "answer_close",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
