//! Compression, manifests and the check after delivery set in the
//! destination form: the preview shows the `.gz` keys, the objects
//! decompress to the files, the manifest and its marker land after the
//! batch, no receipt is taken when the check is off, and the details sheet
//! says so.

use std::io::Read;

use crate::harness::*;
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_and_a_manifest_chosen_in_the_form_are_previewed_and_delivered() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("compression-manifest");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    click(&c, ".destination-row [data-action=\"edit\"]").await;
    wait_for(&c, "#destination-form").await;
    assert!(attr_in_page(&c, "#f-compression-off:checked", "id").await.is_some(), "off by default");
    click(&c, "label[for=\"f-compression-gzip\"]").await;
    let hint = wait_shown(&c, "#compression-hint", 5).await;
    assert!(hint.contains(".gz object"), "{hint}");
    click(&c, "label[for=\"f-manifest\"]").await;
    assert!(attr_in_page(&c, "#f-check_after_delivery:checked", "id").await.is_some(), "each object checked by default");
    click(&c, "label[for=\"f-check_after_delivery\"]").await;
    assert!(attr_in_page(&c, "#f-check_after_delivery:checked", "id").await.is_none(), "the check turned off");
    c.execute("document.querySelector('#f-compression-off').scrollIntoView({ block: 'center' });", vec![]).await.unwrap();
    env.screenshot("01-compression-and-manifest");
    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;

    let src = tempfile::tempdir().unwrap();
    let csv = "id,total\n".to_string() + &"1,10\n".repeat(2_000);
    std::fs::write(src.path().join("report.csv"), &csv).unwrap();
    drop_on(&c, ".destination-row", &[&src.path().join("report.csv")]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 1, 10).await;
    assert_eq!(texts(&c, "#delivery-preview .plan-row .plan-key-text").await, ["incoming/report.csv.gz"]);
    env.screenshot("02-preview-gz-key");
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    let stats = wait_shown(&c, "#delivery-stats", 5).await;
    assert!(!stats.contains("verified at the destination"), "no receipt without the check: {stats}");

    let objects = fs.objects("reports");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&objects["incoming/report.csv.gz"][..]).read_to_string(&mut text).unwrap();
    assert_eq!(text, csv, "the object decompresses to the file");
    let manifests: Vec<&String> = objects.keys().filter(|k| k.starts_with("incoming/_manifests/")).collect();
    assert_eq!(manifests.len(), 2, "a manifest and its marker: {manifests:?}");
    assert!(manifests.iter().any(|k| k.ends_with("/manifest.json")) && manifests.iter().any(|k| k.ends_with("/_SUCCESS")));

    click(&c, "#delivery-close").await;
    wait_gone(&c, "#delivery-progress").await;
    // The history says the objects were not checked, and that Verify would.
    click(&c, "#nav-history").await;
    wait_shown(&c, "#history-view", 10).await;
    click(&c, ".history-batch[data-outcome=\"delivered\"]").await;
    let receipt = wait_shown(&c, "#hd-receipt[data-state=\"none\"]", 20).await;
    assert!(receipt.contains("have not been checked") && receipt.contains("Verify checks them now"), "{receipt}");
    click(&c, "#nav-destinations").await;
    click(&c, ".destination-row .dest-name").await;
    let facts = wait_shown(&c, "#details-facts", 10).await;
    assert!(facts.contains("gzip, as .gz objects") && facts.contains("_SUCCESS"), "{facts}");
    assert!(facts.contains("No: the server's answer to each upload only"), "{facts}");
    env.screenshot("03-details");
    c.close().await.unwrap();
}
