//! `chute watch` against real servers on loopback, with real folders
//! watched through the OS (inotify): files written, grown, renamed and
//! saved twice land once and whole; a burst lands exactly once, also when
//! the server stops mid-burst or the agent is killed with SIGKILL; a
//! second runner is refused; one destination refusing never holds back
//! another; and the commands that set watches up.
//!
//! One binary, a module per area: `agent` (the runner as a child process
//! and its JSON lines), `settling`, `exactly_once`, `fanout` (several
//! destinations, and moving or deleting files once landed), `commands`.

#[path = "../support/mod.rs"]
mod support;

mod agent;
mod batching;
mod commands;
mod exactly_once;
mod fanout;
mod settling;
