//! The allocators of a Chute process: the one every binary declares for
//! Rust's allocations, and the settings each front end makes first thing
//! in `main`, before any thread starts.
//!
//! Delivering small files makes and frees many small allocations per
//! request on every thread (the SDK's request, its signature, headers,
//! the answer), and glibc's malloc spent about a seventh of the client's
//! CPU on them (perf, 10,000 × 4 KiB). mimalloc keeps a heap per thread
//! with free lists per page, and cut the client's CPU per small file
//! (README, benchmarks).
//!
//! Transparent huge pages are kept out: mimalloc reserves large aligned
//! regions, and with huge pages each one touched becomes 2 MiB of
//! resident memory; without them, the 100,000-file tree stays within the
//! memory it took with glibc's malloc. mimalloc is built never to ask for
//! them (its `no_thp` feature: its first regions are made before `main`),
//! and `main` turns them off for the whole process, for systems that give
//! them unasked.
//!
//! glibc's malloc still serves the C libraries (SQLite; GTK and WebKit in
//! the app). It gives threads that allocate at the same time arenas of
//! their own, up to eight per core, and each keeps the memory freed in
//! it: capped at two. `MALLOC_ARENA_MAX` in the environment still decides
//! when it is set.

/// The global allocator of every Chute binary:
/// `#[global_allocator] static ALLOCATOR: chute_core::Allocator = chute_core::Allocator;`
pub use mimalloc::MiMalloc as Allocator;

/// Turn transparent huge pages off for this process, and cap glibc's
/// malloc arenas at two unless `MALLOC_ARENA_MAX` is set.
pub fn set_up_allocators() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this
    // process's memory map; it takes no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes malloc's parameters; called before
        // other threads exist, it races with nothing.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}
