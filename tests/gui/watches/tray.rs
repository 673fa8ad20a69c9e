//! The tray, the real one: the app's StatusNotifierItem and its menu read
//! and clicked over the test's D-Bus session as a tray host would
//! (`harness/tray.rs`; no host draws it under Xvfb). Its menu says what
//! Chute does (idle and watching, the overall limit, the progress and the
//! limit in force while a delivery runs, with the progress as the title
//! beside the icon); "Start at login" writes and removes the autostart
//! entry; closing the window with an active watch and choosing "Keep
//! Chute in the tray" hides it while a long delivery runs, whose end is
//! notified (a real notification daemon, dunst) since the window was
//! away, and the window's runner goes on delivering what lands in the
//! real folder; "Pause all" pauses the watch and "Resume all" resumes it;
//! "Open Chute" and a second launch bring the window back; a recent
//! delivery opens in the History; "Quit" ends the app.

use std::time::{Duration, Instant};

use super::closing::{open_window, wait_ended, watch_show};
use super::{cli_setup, wait_object};
use crate::harness::*;
use crate::native_dialog::windows_titled;
use crate::support;
use crate::support::servers::S3sFs;
use crate::window_close::request_close;

fn wait_window_shown(env: &Env, shown: bool, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while windows_titled(&env.xvfb.display, "Chute").is_empty() == shown {
        assert!(Instant::now() < deadline, "the window was not {} within {secs} s", if shown { "shown" } else { "hidden" });
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn labels(tray: &TrayItem) -> Vec<String> {
    tray.menu().into_iter().map(|e| e.label).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chute_keeps_to_the_tray_which_says_what_it_does_and_drives_it() {
    let fs = S3sFs::start();
    let env = Env::new("watch-tray");
    let daemon = NotificationDaemon::start(&env);
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("drop box");
    std::fs::create_dir_all(&folder).unwrap();
    cli_setup(&env, &fs, &folder);
    let limit = cli(&env).args(["settings", "bandwidth-limit", "20KB/s"]).output().unwrap();
    assert!(limit.status.success(), "{}", String::from_utf8_lossy(&limit.stderr));
    let driver = Driver::start(&env);
    let (c, app_pid) = open_window(&driver, &env).await;

    // Idle: the menu says so, with the overall limit, and offers what the tray does.
    let tray = TrayItem::of(&env, app_pid, 20);
    tray.wait_entry("Idle, watching 1 folder", 10, |e| !e.enabled);
    let menu = labels(&tray);
    for wanted in [
        "Overall limit 20 KB/s",
        "Open Chute",
        "Recent deliveries",
        "No deliveries yet",
        "Pause all deliveries and watches",
        "Start at login",
        "Quit Chute (stops watching 1 folder)",
    ] {
        assert!(menu.iter().any(|l| l == wanted), "{wanted:?} in {menu:?}");
    }
    assert_eq!(tray.title(), "", "no title beside the icon while idle");

    // Start at login, from the tray: the autostart entry appears with the app's path, then goes.
    let entry = env.home.path().join(".config/autostart/chute.desktop");
    assert_eq!(tray.entry("Start at login").unwrap().toggle, Some(0), "opt-in: off at first");
    tray.click("Start at login");
    tray.wait_entry("Start at login", 10, |e| e.toggle == Some(1));
    let text = std::fs::read_to_string(&entry).expect("the autostart entry is written");
    assert!(text.contains(&format!("\nExec=\"{APP}\" --in-tray\n")), "{text}");
    tray.click("Start at login");
    tray.wait_entry("Start at login", 10, |e| e.toggle == Some(0));
    assert!(!entry.exists(), "the autostart entry is removed");

    // Every delivery notifies; a delivery from the window, paced at 20 KB/s.
    wait_for(&c, "#watch-notify").await.select_by_value("every").await.unwrap();
    wait_text_containing(&c, ".toast", "every delivery", 10).await;
    click(&c, "#nav-destinations").await;
    let file = src.path().join("slow.bin");
    std::fs::write(&file, support::content::content(5, 240 << 10)).unwrap();
    drop_on(&c, ".destination-row", &[&file]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    let status = tray.wait_entry("Delivering 0 of 1 file", 10, |_| true);
    assert!(status.label.ends_with("%)"), "{status:?}");
    tray.wait_entry("Limited to 20 KB/s", 10, |e| !e.enabled);
    assert!(tray.title().ends_with('%'), "the progress beside the icon: {:?}", tray.title());

    // Closing while it runs asks; "Keep Chute in the tray" hides the window.
    request_close(&env, "Chute");
    let asked = wait_shown(&c, "#close-dialog", 10).await;
    assert!(asked.contains("Keep Chute in the tray"), "{asked}");
    click_hiding_the_window(&c, "#close-tray").await;
    wait_window_shown(&env, false, 10);
    env.screenshot("00-in-the-tray");

    // The delivery ends while the window is away: notified.
    let done = daemon.wait_for("delivered to Reports", 60);
    assert!(done.summary.starts_with("1 file delivered") && done.body.contains("The delivery took"), "{done:?}");
    tray.wait_entry("Idle, watching 1 folder", 10, |_| true);
    tray.wait_entry("Reports: 1 file delivered", 10, |e| e.enabled);

    // The window's runner goes on delivering what lands in the folder.
    assert_eq!(watch_show(&env)["runner"]["pid"].as_u64(), Some(app_pid), "the hidden window runs the watch");
    std::fs::write(folder.join("while hidden.txt"), b"tray\n").unwrap();
    wait_object(&fs, "incoming/while hidden.txt", b"tray\n", 30).await;

    // Pause all pauses the watch; Resume all resumes it, and what waited is delivered.
    tray.click("Pause all deliveries and watches");
    tray.wait_entry("Resume all", 10, |e| e.enabled);
    assert_eq!(watch_show(&env)["paused"], true);
    tray.wait_entry("Paused: deliveries and watches", 10, |_| true);
    std::fs::write(folder.join("while paused.txt"), b"later\n").unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(!fs.root.path().join("reports/incoming/while paused.txt").exists(), "nothing is delivered while paused");
    tray.click("Resume all");
    tray.wait_entry("Pause all deliveries and watches", 10, |e| e.enabled);
    assert_eq!(watch_show(&env)["paused"], false);
    wait_object(&fs, "incoming/while paused.txt", b"later\n", 30).await;

    // "Open Chute" shows the window; a recent delivery opens in the History.
    tray.click("Open Chute");
    wait_window_shown(&env, true, 10);
    tray.click("Reports: 1 file delivered");
    wait_shown(&c, "#history-details[data-id]", 10).await;
    let details = wait_shown(&c, "#history-details", 10).await;
    assert!(details.contains("slow.bin") || details.contains("Reports"), "{details}");
    env.screenshot("01-opened-from-the-tray");

    // Kept in the tray again, a second launch brings the window back.
    request_close(&env, "Chute");
    wait_shown(&c, "#close-dialog", 10).await;
    click_hiding_the_window(&c, "#close-tray").await;
    wait_window_shown(&env, false, 10);
    env.second_launch(&[]);
    wait_window_shown(&env, true, 10);

    // Quit from the tray ends the app.
    tray.click("Quit Chute");
    wait_ended(app_pid, "the app", 30);
    drop(c);
}
