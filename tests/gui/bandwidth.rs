//! Bandwidth limits in the window: a destination's own limit typed in the
//! form (nonsense refused as you type, with its fix), the overall limit
//! set from the header (refused in the same words, then shown there while
//! it applies), and the delivery panel saying the limit in force, the
//! lower of the two, beside the speed.

use fantoccini::Locator;

use crate::harness::*;
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_are_set_in_the_form_and_the_header_and_shown_while_a_delivery_runs() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("bandwidth");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;
    wait_for_text(&c, "#bandwidth-label", "No limit").await;

    // The destination's own limit: "0" is refused with its fix, "4 MB/s" saved.
    click(&c, ".destination-row [data-action=\"edit\"]").await;
    wait_for(&c, "#destination-form").await;
    type_into(&c, "bandwidth_limit", "0").await;
    let problem = wait_text_containing(&c, "#p-bandwidth_limit", "never send", 10).await;
    assert!(problem.contains("Leave it empty"), "{problem}");
    env.screenshot("01-form-refuses-zero");
    type_into(&c, "bandwidth_limit", "4 MB/s").await;
    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;

    // The overall limit, from the header: "fast" refused in place, 16 MB/s kept and shown.
    click(&c, "#bandwidth-button").await;
    wait_shown(&c, "#bandwidth-dialog", 5).await;
    let input = c.find(Locator::Css("#bandwidth-input")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys("fast").await.unwrap();
    click(&c, "#bandwidth-save").await;
    let problem = wait_text_containing(&c, "#p-bandwidth-overall", "not a bandwidth limit", 10).await;
    assert!(problem.contains("2 MB/s"), "the fix gives examples: {problem}");
    env.screenshot("02-header-refuses-nonsense");
    input.clear().await.unwrap();
    input.send_keys("16 MB/s").await.unwrap();
    click(&c, "#bandwidth-save").await;
    wait_gone(&c, "#bandwidth-dialog[open]").await;
    wait_for_text(&c, "#bandwidth-label", "Max 16.0 MB/s").await;

    // A delivery: the lower limit, the destination's, is the one shown.
    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("twelve.bin");
    std::fs::write(&file, support::content::content(3, 12 << 20)).unwrap();
    drop_on(&c, ".destination-row", &[&file]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    let stats = wait_text_containing(&c, "#delivery-stats [data-stat=\"limit\"]", "Limited to 4.0 MB/s", 20).await;
    assert_eq!(stats.trim(), "Limited to 4.0 MB/s");
    env.screenshot("03-panel-limited");
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    let after = wait_shown(&c, "#delivery-stats", 5).await;
    assert!(after.contains("on average") && after.contains("Limited to 4.0 MB/s"), "{after}");
    c.close().await.unwrap();
}
