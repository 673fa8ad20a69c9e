//! Desktop notifications for watched folders, received by a real
//! notification daemon (dunst on the test's private D-Bus session and
//! display): with "Errors only" (the default) a file the destination
//! refuses notifies and a delivered one does not; with "Every delivery"
//! a delivered one does, and a burst is summed up in a few; with "Off"
//! nothing does.

use std::time::Duration;

use super::{cli_destination, cli_watch, wait_object};
use crate::harness::*;
use crate::support::servers::{free_port, S3sFs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_events_notify_as_the_setting_says() {
    let fs = S3sFs::start();
    let env = Env::new("watch-notifications");
    let daemon = NotificationDaemon::start(&env);
    let src = tempfile::tempdir().unwrap();
    let (good, refused) = (src.path().join("reports"), src.path().join("to nowhere"));
    std::fs::create_dir_all(&good).unwrap();
    std::fs::create_dir_all(&refused).unwrap();
    cli_destination(&env, "Reports", &fs.endpoint());
    // Nothing listens there: every file is refused by the network, and retried.
    cli_destination(&env, "Nowhere", &format!("http://127.0.0.1:{}", free_port()));
    cli_watch(&env, "Daily reports", &good, "Reports");
    cli_watch(&env, "Outbox", &refused, "Nowhere");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    click(&c, "#nav-watches").await;
    wait_count(&c, ".watch-card[data-started=\"true\"]", 2, 20).await;
    assert_eq!(value_of(&c, "#watch-notify").await, "errors", "errors only by default");

    // Errors only: the refused file notifies, with the watch, the destination, why and the fix; the delivered one does not.
    std::fs::write(good.join("monday.csv"), b"day,total\nmon,1\n").unwrap();
    wait_object(&fs, "incoming/monday.csv", b"day,total\nmon,1\n", 30).await;
    std::fs::write(refused.join("invoice.pdf"), b"%PDF\n").unwrap();
    let error = daemon.wait_for("not delivered", 30);
    assert!(
        error.summary.contains("“Outbox”") && error.summary.contains("“invoice.pdf”") && error.summary.contains("Nowhere"),
        "{error:?}"
    );
    assert!(error.body.contains("tries again"), "the message, the fix and what happens next: {error:?}");
    env.screenshot("00-errors-only");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let seen = daemon.received();
    assert!(!seen.iter().any(|s| s.summary.contains("delivered to Reports")), "no notification for a delivery: {seen:?}");

    // Every delivery: a delivered file notifies; a burst of 30 is summed up in a few.
    wait_for(&c, "#watch-notify").await.select_by_value("every").await.unwrap();
    wait_text_containing(&c, ".toast", "every delivery", 10).await;
    std::fs::write(good.join("tuesday.csv"), b"day,total\ntue,2\n").unwrap();
    daemon.wait_on_screen(30);
    env.screenshot("01-every-delivery-on-screen");
    let delivered = daemon.wait_for("delivered to Reports", 30);
    assert!(delivered.summary.contains("“tuesday.csv”") && delivered.body.contains("“Daily reports”"), "{delivered:?}");
    tokio::time::sleep(Duration::from_secs(6)).await;
    let before = daemon.received().len();
    for i in 0..30 {
        std::fs::write(good.join(format!("burst-{i:02}.csv")), format!("n\n{i}\n")).unwrap();
    }
    wait_object(&fs, "incoming/burst-29.csv", b"n\n29\n", 60).await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    let burst: Vec<Shown> = daemon.received().split_off(before);
    let counted = burst.iter().filter(|s| s.summary.contains("delivered to Reports")).count();
    assert!((1..=4).contains(&counted), "30 files, a few notifications: {burst:?}");
    assert!(burst.iter().any(|s| s.summary.contains("files delivered to Reports")), "summed up: {burst:?}");

    // Off: nothing notifies.
    wait_for(&c, "#watch-notify").await.select_by_value("off").await.unwrap();
    wait_text_containing(&c, ".toast", "Notifications off", 10).await;
    let before = daemon.received().len();
    std::fs::write(good.join("wednesday.csv"), b"day,total\nwed,3\n").unwrap();
    std::fs::write(refused.join("second.pdf"), b"%PDF 2\n").unwrap();
    wait_object(&fs, "incoming/wednesday.csv", b"day,total\nwed,3\n", 30).await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    let after = daemon.received();
    assert_eq!(after.len(), before, "nothing notifies when off: {:?}", &after[before..]);
    // The setting is the core's: a new look at the view shows it.
    c.refresh().await.unwrap();
    wait_for(&c, "body[data-ready=\"true\"]").await;
    click(&c, "#nav-watches").await;
    wait_shown(&c, "#watches-settings", 10).await;
    assert_eq!(value_of(&c, "#watch-notify").await, "off");
    c.close().await.unwrap();
}
