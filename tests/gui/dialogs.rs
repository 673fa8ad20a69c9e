//! Every native dialog the window opens (files, folder, the CSV save
//! dialog, the import file chooser) opened through the UI and answered
//! through the real GTK chooser, once confirmed and once cancelled, with
//! the window answering all the while.

use std::time::Duration;

use crate::harness::*;
use crate::native_dialog::{assert_responsive, NativeDialog};
use crate::support;
use crate::support::content::write;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_native_dialog_opens_answers_and_cancels_without_freezing_the_window() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("native-dialogs");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // Import with nothing configured says where it looked and offers a file.
    click(&c, "#import-first").await;
    let empty = wait_shown(&c, "#import-candidates [data-empty=\"import_file_missing\"]", 20).await;
    assert!(empty.contains(".aws/config") && empty.contains(".aws/credentials"), "says where it looked: {empty}");
    click(&c, "#import-candidates [data-act=\"choose-file\"]").await;
    let title = "Choose an AWS config or credentials file";
    let dialog = NativeDialog::wait(&env, title, 20);
    assert_responsive(&c, "while the import file chooser is open").await;
    env.screenshot("00-import-chooser");
    dialog.cancel();
    assert_responsive(&c, "after cancelling the import file chooser").await;
    assert!(shown_text(&c, "#import-candidates [data-empty=\"import_file_missing\"]").await.is_some(), "cancel changes nothing");

    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("team-config");
    std::fs::write(&config, "[profile team]\nregion = eu-central-1\n").unwrap();
    click(&c, "#import-candidates [data-act=\"choose-file\"]").await;
    NativeDialog::wait(&env, title, 20).choose(&config);
    assert_responsive(&c, "after choosing an import file").await;
    let candidate = wait_shown(&c, "#import-candidates .candidate", 20).await;
    assert!(candidate.contains("team"), "the chosen file's profile is listed: {candidate}");
    let hint = wait_shown(&c, "#import-source-hint .import-file", 5).await;
    assert_eq!(hint, config.to_string_lossy(), "says which file it reads");
    env.screenshot("01-import-from-chosen-file");
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#import-dialog").await;

    add_s3s_destination(&c, &fs, "Reports").await;
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("Quarter 4");
    write(&folder, "a.txt", b"alpha\n");
    write(&folder, "sub/b.txt", b"beta\n");
    let single = write(src.path(), "single file.csv", b"x,y\n");

    // Deliver folder…: cancelled, nothing happens; chosen, it is previewed.
    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"folder\"]").await;
    let dialog = NativeDialog::wait(&env, "Deliver folders", 20);
    assert_responsive(&c, "while the folder chooser is open").await;
    env.screenshot("02-folder-chooser");
    dialog.cancel();
    assert_responsive(&c, "after cancelling the folder chooser").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(shown_text(&c, "#delivery-preview").await.is_none(), "a cancelled chooser previews nothing");

    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"folder\"]").await;
    NativeDialog::wait(&env, "Deliver folders", 20).choose(&folder);
    assert_responsive(&c, "after choosing a folder").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 2, 10).await;
    let mut keys = texts(&c, "#delivery-preview .plan-row .plan-key-text").await;
    keys.sort();
    assert_eq!(keys, vec!["incoming/a.txt".to_string(), "incoming/sub/b.txt".to_string()]);
    env.screenshot("03-folder-previewed");
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert_eq!(std::fs::read(fs.root.path().join("reports/incoming/sub/b.txt")).unwrap(), b"beta\n");

    // Deliver files…: cancelled, then one file chosen.
    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"files\"]").await;
    NativeDialog::wait(&env, "Deliver files", 20).cancel();
    assert_responsive(&c, "after cancelling the file chooser").await;
    click(&c, ".destination-row [data-action=\"deliver\"]").await;
    click(&c, "#deliver-menu [data-pick=\"files\"]").await;
    let dialog = NativeDialog::wait(&env, "Deliver files", 20);
    assert_responsive(&c, "while the file chooser is open").await;
    dialog.choose(&single);
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 1, 10).await;
    assert_eq!(texts(&c, "#delivery-preview .plan-row .plan-key-text").await, vec!["incoming/single file.csv".to_string()]);
    click(&c, "#delivery-confirm").await;
    wait_count(&c, ".delivery-file[data-status=\"delivered\"]", 1, 60).await;

    // Export CSV…: the save dialog, cancelled, then saved to a chosen path.
    click(&c, "#nav-history").await;
    wait_shown(&c, "#history-view", 10).await;
    wait_count(&c, ".history-batch", 2, 20).await;
    click(&c, "#history-export").await;
    let title = "Export the history as CSV";
    let dialog = NativeDialog::wait(&env, title, 20);
    assert_responsive(&c, "while the save dialog is open").await;
    env.screenshot("04-save-dialog");
    dialog.cancel();
    assert_responsive(&c, "after cancelling the save dialog").await;
    let out = src.path().join("exported deliveries.csv");
    click(&c, "#history-export").await;
    NativeDialog::wait(&env, title, 20).choose(&out);
    assert_responsive(&c, "after saving the CSV").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !out.exists() {
        assert!(std::time::Instant::now() < deadline, "the CSV was not written to {}", out.display());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and two deliveries: {csv}");
    assert!(csv.contains("Reports"), "{csv}");
    assert!(NativeDialog::none_shown(&env, title), "no dialog is left open");
    env.screenshot("05-exported");
    c.close().await.unwrap();
}
