//! A destination's detail sheet says what its server was seen to do
//! ("Measure again" measures it on a probe object), and finds the multipart
//! uploads left open under its prefix by any tool, with their age and size,
//! and aborts one, then all older than some hours, each after asking.

use std::time::{Duration, Instant};

use crate::harness::*;
use crate::support::content::write;
use crate::support::garage::{Garage, GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET};
use crate::support::servers::Moto;

/// Set the hours field as a person would type it.
async fn set_hours(c: &fantoccini::Client, hours: &str) {
    let field = c.find(fantoccini::Locator::Css("#open-uploads-hours")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(hours).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_details_say_what_the_server_does_and_abort_the_uploads_left_open() {
    let moto = Moto::start();
    let env = Env::new("server-details");
    // A data folder left open to other users (as an older Chute made it):
    // tightened at start, and said.
    std::fs::set_permissions(env.data.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    let said = wait_text_containing(&c, ".toast", "Your Chute data was open to other users", 20).await;
    assert!(said.contains("(0755)") && said.contains("made it 0700"), "{said}");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(env.data.path()).unwrap().permissions()) & 0o777;
    assert_eq!(mode, 0o700);
    let admin = moto.user("admin");
    add_minio_destination(&c, "Archive", &moto.endpoint(), &admin.access_key_id, &admin.secret_access_key).await;
    // Left open by another tool: two under the destination's prefix, one elsewhere.
    let first = moto.open_upload("reports", "incoming/left-a.bin", 1000);
    moto.open_upload("reports", "incoming/left-b.bin", 2000);
    moto.open_upload("reports", "elsewhere/kept.bin", 10);

    click(&c, ".destination-row .dest-name").await;
    wait_shown(&c, "#details-dialog", 10).await;
    // Never tested: nothing is claimed about the server.
    let unknown = wait_shown(&c, "#details-server[data-guard=\"unknown\"]", 10).await;
    assert!(unknown.contains("Not measured yet"), "{unknown}");
    click(&c, "#details-measure").await;
    let seen = wait_shown(&c, "#details-server[data-guard=\"atomic\"]", 30).await;
    assert!(
        seen.contains("Atomic") && seen.contains("Can be listed") && seen.contains("Verifies none"),
        "moto verifies no checksum: {seen}"
    );
    assert!(shown_text(&c, "#details-server-when").await.unwrap_or_default().starts_with("measured"), "when it was measured");
    assert!(moto.keys("reports", "incoming/").is_empty(), "the probe object was deleted");
    env.screenshot("01-server-seen");

    // Nothing is listed until asked (listing costs requests).
    assert_eq!(count_shown(&c, "#open-uploads .open-upload").await, 0);
    click(&c, "#open-uploads-look").await;
    wait_count(&c, "#open-uploads .open-upload", 2, 20).await;
    let listed = texts(&c, "#open-uploads .open-upload").await;
    // (moto's ListParts answer cannot be read, so sizes are said to be unknown, not zero.)
    assert!(
        listed.iter().any(|t| t.contains("incoming/left-a.bin") && t.contains("started ") && t.contains("size not reported")),
        "{listed:?}"
    );
    assert!(!listed.iter().any(|t| t.contains("elsewhere/")), "only the prefix's: {listed:?}");
    env.screenshot("02-open-uploads");

    // One, after asking: cancelling aborts nothing.
    click(&c, &format!(".open-upload[data-upload-id=\"{first}\"] [data-act=\"abort-upload\"]")).await;
    let asked = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(asked.contains("Abort this unfinished upload?"), "{asked}");
    click(&c, "#confirm-cancel").await;
    wait_gone(&c, "#confirm-dialog").await;
    assert_eq!(moto.multipart_uploads("reports"), 3);
    click(&c, &format!(".open-upload[data-upload-id=\"{first}\"] [data-act=\"abort-upload\"]")).await;
    wait_shown(&c, "#confirm-dialog", 10).await;
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    wait_count(&c, "#open-uploads .open-upload", 1, 20).await;
    assert_eq!(moto.multipart_uploads("reports"), 2);

    // All older than 0 hours: the rest under the prefix goes, the other prefix's stays.
    set_hours(&c, "0").await;
    click(&c, "#open-uploads-abort-old").await;
    let asked = wait_shown(&c, "#confirm-dialog", 10).await;
    assert!(asked.contains("Abort 1 unfinished upload?") && asked.contains("incoming/left-b.bin"), "{asked}");
    click(&c, "#confirm-delete").await;
    wait_gone(&c, "#confirm-dialog").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !shown_text(&c, "#open-uploads-note").await.unwrap_or_default().contains("No unfinished uploads") {
        assert!(Instant::now() < deadline, "the list never emptied");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count_shown(&c, "#open-uploads .open-upload").await, 0);
    assert_eq!(moto.multipart_uploads("reports"), 1, "the upload outside the prefix is left alone");
    env.screenshot("03-aborted");
    c.close().await.unwrap();
}

/// Garage ignores `If-None-Match: *`: once tested, the destination's details
/// and every preview say "never overwrite" is a look before each write there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_ignores_conditional_writes_is_said_in_the_details_and_the_preview() {
    let garage = Garage::start();
    let env = Env::new("not-atomic");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    click(&c, "#add-destination").await;
    wait_for(&c, "#destination-form").await;
    c.find(fantoccini::Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("custom").await.unwrap();
    for (field, value) in [
        ("name", "Self-hosted"),
        ("bucket", "reports"),
        ("endpoint", garage.endpoint().as_str()),
        ("region", "garage"),
        ("prefix", "incoming/"),
        ("access_key_id", GARAGE_ADMIN_KEY),
        ("secret_access_key", GARAGE_ADMIN_SECRET),
    ] {
        type_into(&c, field, value).await;
    }
    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    wait_for_text(&c, ".destination-row .dest-name", "Self-hosted").await;

    click(&c, ".destination-row [data-action=\"test\"]").await;
    let said = wait_shown(&c, ".diagnosis[data-code=\"not_atomic_overwrite_guard\"]", 60).await;
    assert!(said.contains("cannot be atomic"), "{said}");
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#probe-panel").await;
    click(&c, ".destination-row .dest-name").await;
    let seen = wait_shown(&c, "#details-server[data-guard=\"check_first\"]", 20).await;
    assert!(seen.contains("Not atomic here") && seen.contains("Verifies MD5, CRC32"), "{seen}");
    env.screenshot("01-details");
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#details-dialog").await;

    let src = tempfile::tempdir().unwrap();
    let file = write(src.path(), "report.csv", b"day,count\n");
    drop_on(&c, ".destination-row", &[&file]).await;
    let note = wait_shown(&c, "#preview-notices [data-notice=\"not_atomic\"]", 20).await;
    assert!(note.contains("not atomic"), "{note}");
    env.screenshot("02-preview");
    c.close().await.unwrap();
}
