//! The C allocator's settings for a Chute process, set by each front end
//! first thing in `main`, before any thread starts.
//!
//! glibc's malloc gives threads that allocate at the same time arenas of
//! their own, up to eight per core, and each keeps the memory freed in it.
//! A delivery's blocking pool reads files on many short-lived threads, each
//! of which can take an arena of its own: capped at two, a 100,000-file
//! delivery's peak RSS fell from 139 to 114 MiB at the same speed
//! (scripts/bench.sh, `tree`).
//! `MALLOC_ARENA_MAX` in the environment still decides when it is set.

/// Cap glibc's malloc arenas at two, unless `MALLOC_ARENA_MAX` is set.
pub fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes malloc's parameters; called before
        // other threads exist, it races with nothing.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}
