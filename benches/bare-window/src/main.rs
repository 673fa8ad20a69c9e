//! A bare Tauri 2 window: one static page, no commands, no plugins, no state.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
