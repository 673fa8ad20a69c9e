//! A delivery's objects at the destination, in the History: the receipt
//! taken as the delivery ended (every object verified, a multipart one
//! included), then History → Verify after another tool rewrote one object
//! and deleted another: the check shows its progress, the details name both
//! with their cause, and once they are put back Verify finds all as
//! delivered again.

use crate::harness::*;
use crate::support::content::{content, write, MIB};
use crate::support::servers::S3sFs;

/// The states `#hd-receipt` went through since `watch_receipt_states` (a
/// check under way shows as `checking` before its result).
async fn receipt_states(c: &fantoccini::Client) -> Vec<String> {
    let v = c.execute("return window.__receiptStates || [];", vec![]).await.unwrap();
    serde_json::from_value(v).unwrap()
}

async fn watch_receipt_states(c: &fantoccini::Client) {
    c.execute(
        "window.__receiptStates = [];
         const el = document.querySelector('#hd-receipt');
         new MutationObserver(() => window.__receiptStates.push(el.dataset.state)).observe(el, { attributes: true, attributeFilter: ['data-state'] });",
        vec![],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_verify_finds_objects_changed_or_deleted_since_and_the_receipt_shows_them() {
    let fs = S3sFs::start();
    let env = Env::new("receipts");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("Monthly");
    for (rel, bytes) in [("a.csv", b"a,b\n1,2\n".to_vec()), ("b.csv", b"b,c\n3,4\n".to_vec()), ("c.csv", b"c,d\n5,6\n".to_vec())] {
        write(&folder, rel, &bytes);
    }
    write(&folder, "big.bin", &content(3, 17 * MIB));
    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    let stats = shown_text(&c, "#delivery-stats").await.unwrap();
    assert!(stats.contains("4 of 4 verified at the destination"), "{stats}");
    click(&c, "#delivery-close").await;
    wait_gone(&c, "#delivery-progress").await;

    // The receipt taken as the delivery ended: every object verified.
    click(&c, "#nav-history").await;
    wait_shown(&c, "#history-view", 10).await;
    click(&c, ".history-batch[data-outcome=\"delivered\"]").await;
    let receipt = wait_shown(&c, "#hd-receipt[data-state=\"verified\"]", 20).await;
    assert!(receipt.contains("4 of 4 objects verified") && receipt.contains("checked as it was delivered"), "{receipt}");
    assert!(!receipt.contains("null") && !receipt.contains("undefined"), "nothing missing is printed: {receipt}");
    env.screenshot("01-receipt-at-delivery");

    // Another tool rewrites one object and deletes another.
    fs.put("reports", "incoming/b.csv", b"rewritten by another tool\n");
    fs.delete("reports", "incoming/c.csv");
    watch_receipt_states(&c).await;
    click(&c, "#history-verify").await;
    let receipt = wait_shown(&c, "#hd-receipt[data-state=\"differing\"]", 60).await;
    assert!(
        receipt.contains("2 of 4 objects verified") && receipt.contains("2 differing") && receipt.contains("checked again"),
        "{receipt}"
    );
    assert!(!receipt.contains("null") && !receipt.contains("undefined"), "nothing missing is printed: {receipt}");
    let states = receipt_states(&c).await;
    assert_eq!(states.first().map(String::as_str), Some("checking"), "the check showed its progress first: {states:?}");
    let problems = texts(&c, "#hd-receipt .hd-receipt-problem").await;
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains("incoming/b.csv")
            && problems[0].contains("Changed since delivery")
            && problems[0].contains("is not the one delivered"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("incoming/c.csv") && problems[1].contains("Missing") && problems[1].contains("Re-deliver"),
        "{problems:#?}"
    );
    assert_eq!(
        attr_in_page(&c, "#hd-receipt .hd-receipt-problem[data-state=\"missing\"]", "data-code").await.as_deref(),
        Some("object_missing")
    );
    wait_text_containing(&c, ".toast", "2 objects of “Reports” are not as delivered", 10).await;
    assert_eq!(shown_text(&c, "#history-verify").await.as_deref().map(str::trim), Some("Verify"), "ready to check again");
    env.screenshot("02-verify-found-changes");
    crate::interact::press_escape(&c).await; // the warning's toast

    // Put back as delivered: verified again.
    fs.put("reports", "incoming/b.csv", b"b,c\n3,4\n");
    fs.put("reports", "incoming/c.csv", b"c,d\n5,6\n");
    click(&c, "#history-verify").await;
    let receipt = wait_shown(&c, "#hd-receipt[data-state=\"verified\"]", 60).await;
    assert!(receipt.contains("4 of 4 objects verified") && receipt.contains("checked again"), "{receipt}");
    assert_eq!(count_shown(&c, "#hd-receipt .hd-receipt-problem").await, 0);
    env.screenshot("03-verified-again");
    c.close().await.unwrap();
}
