//! Bandwidth limits in the window: a destination's own limit typed in the
//! form (nonsense refused as you type, with its fix), the overall limit
//! set from the header (refused in the same words, then shown there while
//! it applies), and the delivery panel saying the limit in force, the
//! lower of the two, beside the speed; and the panel saying when the server
//! asked the delivery to slow down (a proxy with room for two requests at
//! once in front of s3s-fs), with how many requests now go at once.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_asks_to_slow_down_is_named_while_the_delivery_runs() {
    let fs = support::servers::S3sFs::start();
    let capacity = support::faults::Capacity { at_once: Some(2), delay: std::time::Duration::from_millis(30) };
    let proxy = support::faults::FaultProxy::with_capacity(fs.endpoint().trim_start_matches("http://"), capacity);
    let env = Env::new("slowed");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_minio_destination(&c, "Busy", &proxy.endpoint(), support::servers::S3S_KEY, support::servers::S3S_SECRET).await;

    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("many");
    for i in 0..150 {
        support::content::write(&folder, &format!("f{i:03}.txt"), &support::content::content(i, 512));
    }
    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    let slowed = wait_text_containing(&c, "#delivery-stats [data-stat=\"slowed\"]", "Server busy", 60).await;
    let at_once: usize = slowed.trim().trim_start_matches("Server busy: ").split(' ').next().unwrap().parse().unwrap();
    assert!(at_once < 16 && slowed.trim().ends_with("at once"), "fewer than the 16 it started with: {slowed}");
    env.screenshot("04-panel-server-busy");
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 120).await;
    // Every file landed, and nothing else stayed: the capability probe made
    // before the delivery (while the preview's check kept the server busy)
    // deleted its object.
    let paths = fs.object_paths("reports");
    let others: Vec<&String> =
        paths.iter().filter(|p| !p.rsplit('/').next().is_some_and(|n| n.starts_with('f') && n.ends_with(".txt"))).collect();
    assert!(others.is_empty(), "objects other than the files: {others:?}");
    assert_eq!(paths.len(), 150, "every file landed");
    assert!(proxy.tally().get(&support::faults::Fault::SlowDown).copied().unwrap_or(0) > 0, "the proxy refused some requests");
    c.close().await.unwrap();
}
