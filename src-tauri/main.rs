// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    chute_core::limit_allocator_arenas();
    chute_app::run()
}
