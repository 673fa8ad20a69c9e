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
//! mimalloc gives memory freed back to the system at once, not 10 ms
//! later: requests and chunks are freed on other threads than the ones
//! that made them, and were held meanwhile (the 100,000-file tree
//! peaks at 52 MiB against 58, the 5 GiB file at 60 against 62, at the
//! same CPU; README, benchmarks).
//!
//! glibc's malloc still serves the C libraries (SQLite; GTK and WebKit in
//! the app). It gives threads that allocate at the same time arenas of
//! their own, up to eight per core, and each keeps the memory freed in
//! it: capped at two. `MALLOC_ARENA_MAX` in the environment still decides
//! when it is set.

/// The global allocator of every Chute binary:
/// `#[global_allocator] static ALLOCATOR: chute_core::Allocator = chute_core::Allocator;`
pub use mimalloc::MiMalloc as Allocator;

/// mimalloc's `mi_option_purge_delay` (`mi_option_e` in its mimalloc.h;
/// its option numbers stay fixed from release to release, retired ones
/// are kept as deprecated).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

extern "C" {
    /// mimalloc's own setter, linked in with the allocator.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Turn transparent huge pages off for this process, have mimalloc give
/// freed memory back at once unless `MIMALLOC_PURGE_DELAY` is set, and
/// cap glibc's malloc arenas at two unless `MALLOC_ARENA_MAX` is set.
pub fn set_up_allocators() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set stores one value in mimalloc's option
        // table; it takes no pointers.
        unsafe {
            mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
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
