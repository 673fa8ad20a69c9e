// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static ALLOCATOR: chute_core::Allocator = chute_core::Allocator;

fn main() {
    chute_core::set_up_allocators();
    chute_app::run()
}
