//! The `chute` binary on a real terminal: a pty that is its controlling
//! tty, so prompts, hidden input and live progress lines behave as they do
//! for a person.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::world::World;

/// Runs `chute ARGS…` of `w` on a pty. `script` is a list of (text to wait
/// for, reply to type, whether the reply is typed at a hidden prompt): each
/// reply is typed once the text was printed and the terminal's echo is off
/// for a hidden prompt, on otherwise. Returns the exit code and all it printed.
pub fn on_terminal(w: &World, args: &[&str], script: &[(&str, &str, bool)]) -> (i32, String) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors; null name/termios/winsize are allowed.
    let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: both descriptors were just opened and are owned here.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = w.command(args);
    cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave.try_clone().unwrap()));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("run chute on a pty");
    drop(cmd);
    drop(slave);

    let seen = Arc::new(Mutex::new(Vec::<u8>::new()));
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let sink = seen.clone();
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        // Ends with EIO once the child has exited and closed the terminal.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let mut writer = std::fs::File::from(master.try_clone().unwrap());
    for (expect, reply, hidden) in script {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !String::from_utf8_lossy(&seen.lock().unwrap()).contains(expect) {
            assert!(Instant::now() < deadline, "never saw {expect:?}: {:?}", String::from_utf8_lossy(&seen.lock().unwrap()));
            std::thread::sleep(Duration::from_millis(20));
        }
        // Wait until the terminal's echo is as expected (off for a hidden prompt).
        loop {
            // SAFETY: tcgetattr fills a termios struct for a valid descriptor.
            let echo = unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                assert_eq!(libc::tcgetattr(master.as_raw_fd(), &mut t), 0);
                t.c_lflag & libc::ECHO != 0
            };
            if echo != *hidden {
                break;
            }
            assert!(Instant::now() < deadline, "the terminal's echo never switched for {expect:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
        writer.write_all(reply.as_bytes()).unwrap();
    }
    let status = child.wait().unwrap();
    drop(writer);
    drop(master);
    reading.join().unwrap();
    let text = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    w.outputs.borrow_mut().push((format!("{args:?} (on a terminal)"), text.clone()));
    (status.code().expect("exit code"), text)
}
