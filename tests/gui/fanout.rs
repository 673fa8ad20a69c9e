//! One drop delivered to several destinations from the window: "Also
//! deliver to…" in the preview, each destination its own batch that fails
//! on its own, and the History keeping the batches of the drop together.

use std::time::{Duration, Instant};

use fantoccini::Client;

use crate::harness::*;
use crate::support::content::write;
use crate::support::servers::{Moto, S3sFs};

/// The `data-id` of the destination row named `name`.
async fn row_id(c: &Client, name: &str) -> String {
    let v = c
        .execute(
            "const r = [...document.querySelectorAll('.destination-row')].find((r) => r.querySelector('.dest-name').textContent === arguments[0]);
             return r ? r.dataset.id : null;",
            vec![serde_json::json!(name)],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_else(|| panic!("no row for {name}")).to_string()
}

/// Click the first element matching `css` whose text contains `text`.
async fn click_containing(c: &Client, css: &str, text: &str) {
    let ok = c
        .execute(
            "const e = [...document.querySelectorAll(arguments[0])].find((e) => e.textContent.includes(arguments[1]));
             if (!e) return false; e.scrollIntoView({ block: 'center' }); e.click(); return true;",
            vec![serde_json::json!(css), serde_json::json!(text)],
        )
        .await
        .unwrap();
    assert_eq!(ok, serde_json::json!(true), "no `{css}` containing {text:?}");
}

/// The texts of the History's listed deliveries, once there are `n`.
async fn listed(c: &Client, n: usize) -> Vec<String> {
    wait_count(c, ".history-batch[data-id]", n, 20).await;
    texts(c, ".history-batch[data-id]").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drop_also_sent_to_a_refusing_destination_lands_where_it_can_and_the_history_groups_the_two() {
    let (fs, moto) = (S3sFs::start(), Moto::start());
    let env = Env::new("fanout");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;
    // moto's `other-prefix` user may write under `other/` only: every write under `incoming/` is refused.
    let other = moto.user("other-prefix");
    add_minio_destination(&c, "Archive", &moto.endpoint(), &other.access_key_id, &other.secret_access_key).await;
    // And one whose flat key template gives two of the drop's files one key: refused on its own.
    add_s3s_destination(&c, &fs, "Flat").await;
    let flat = row_id(&c, "Flat").await;
    click(&c, &format!(".destination-row[data-id=\"{flat}\"] [data-action=\"edit\"]")).await;
    wait_for(&c, "#destination-form").await;
    type_into(&c, "prefix", "flat/").await;
    type_into(&c, "key_template", "{prefix}{name}").await;
    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    let reports = row_id(&c, "Reports").await;
    let archive = row_id(&c, "Archive").await;

    // A delivery of its own first, which is no part of the drop.
    let src = tempfile::tempdir().unwrap();
    let single = write(src.path(), "single.txt", b"on its own\n");
    drop_on(&c, &format!(".destination-row[data-id=\"{reports}\"]"), &[&single]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    let where_ = shown_text(&c, "#delivery-where").await.unwrap();
    assert!(
        where_.trim_end().ends_with("reports/incoming/") && !where_.contains("drop"),
        "a delivery to one destination names no drop: {where_}"
    );
    click(&c, "#delivery-close").await;
    wait_gone(&c, "#delivery-progress").await;

    // The drop: a folder on Reports; the preview offers the two others, chosen from the keyboard.
    let folder = src.path().join("Drop");
    let files: Vec<(&str, &[u8])> =
        vec![("a.csv", b"a,b\n1,2\n"), ("notes.txt", b"notes\n"), ("sub/c.csv", b"c\n3\n"), ("sub/notes.txt", b"more notes\n")];
    for (rel, bytes) in &files {
        write(&folder, rel, bytes);
    }
    drop_on(&c, &format!(".destination-row[data-id=\"{reports}\"]"), &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 20).await;
    wait_count(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 4, 10).await;
    let also = wait_shown(&c, "#preview-also", 10).await;
    assert!(also.contains("Also deliver to") && also.contains("Archive") && also.contains("Flat"), "{also}");
    assert_eq!(count_shown(&c, "#preview-also .also-option").await, 2, "only the other destinations are offered");
    assert_eq!(shown_text(&c, "#delivery-confirm").await.unwrap().trim(), "Deliver 4 files");
    for id in [&archive, &flat] {
        let checkbox = format!("#preview-also .also-option[data-id=\"{id}\"] input[type=\"checkbox\"]");
        c.execute("document.querySelector(arguments[0]).focus();", vec![serde_json::json!(checkbox)]).await.unwrap();
        c.active_element().await.unwrap().send_keys(" ").await.unwrap();
    }
    // Each its own plan and check: Archive's four files, Flat refused for its colliding keys.
    let status = format!("#preview-also .also-option[data-id=\"{archive}\"] .also-status[data-state=\"ready\"]");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = shown_text(&c, &status).await.unwrap_or_default();
        if s.contains("4 files") && !s.contains("checking") {
            break;
        }
        assert!(Instant::now() < deadline, "Archive's plan and check never showed: {s:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refused = wait_shown(&c, &format!("#preview-also .also-option[data-id=\"{flat}\"] .also-status[data-state=\"refused\"]"), 30).await;
    assert!(refused.contains("two files would get the same key"), "{refused}");
    assert_eq!(shown_text(&c, "#delivery-confirm").await.unwrap().trim(), "Deliver 4 files to 2 destinations");
    let note = shown_text(&c, "#preview-note").await.unwrap();
    assert!(note.contains("“Flat” is left out"), "{note}");
    assert!(fs.object_paths("reports").len() == 1 && moto.keys("reports", "").is_empty(), "the preview sends nothing");
    env.screenshot("01-also-deliver-to");

    // Sent: two batches in the panel, each on its own.
    click(&c, "#delivery-confirm").await;
    wait_gone(&c, "#delivery-preview").await;
    wait_shown(&c, "#delivery-progress", 10).await;
    wait_count(&c, "#delivery-batches .batch-tab", 2, 10).await;
    wait_shown(&c, ".batch-tab[data-state=\"delivered\"]", 60).await;
    wait_shown(&c, ".batch-tab[data-state=\"failed\"]", 60).await;
    click_containing(&c, ".batch-tab", "Archive").await;
    wait_text_containing(&c, "#delivery-title", "Archive", 10).await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"failed\"]", 10).await;
    wait_shown(&c, ".delivery-error[data-code=\"write_denied\"]", 10).await;
    wait_count(&c, ".delivery-file[data-status=\"failed\"]", 4, 10).await;
    let where_ = shown_text(&c, "#delivery-where").await.unwrap();
    assert!(where_.contains("of 2 destinations of one drop") && where_.contains("“Reports”"), "{where_}");
    env.screenshot("02-archive-refused");
    click_containing(&c, ".batch-tab", "Reports").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 10).await;
    wait_count(&c, ".delivery-file[data-status=\"delivered\"]", 4, 10).await;
    let stats = shown_text(&c, "#delivery-stats").await.unwrap();
    assert!(stats.contains("4 of 4 files delivered"), "{stats}");
    assert_eq!(count_shown(&c, "#delivery-batches .batch-tab").await, 2, "nothing was sent to the refused destination");
    for _ in 0..2 {
        click(&c, "#delivery-close").await;
    }
    wait_gone(&c, "#delivery-progress").await;
    crate::interact::press_escape(&c).await; // the failure's toast

    // Reports got every object, byte for byte; Archive nothing.
    let stored = fs.objects("reports");
    let mut keys: Vec<&str> = stored.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["incoming/a.csv", "incoming/notes.txt", "incoming/single.txt", "incoming/sub/c.csv", "incoming/sub/notes.txt"]);
    for (rel, bytes) in &files {
        assert_eq!(stored[&format!("incoming/{rel}")], bytes.to_vec(), "{rel}");
    }
    assert!(moto.keys("reports", "").is_empty(), "the refusing destination holds nothing");

    // The History: three deliveries, the two of the drop saying so.
    click(&c, "#nav-history").await;
    wait_shown(&c, "#history-view", 10).await;
    let rows = listed(&c, 3).await;
    let grouped: Vec<&String> = rows.iter().filter(|r| r.contains("of one drop")).collect();
    assert_eq!(grouped.len(), 2, "{rows:#?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !texts(&c, ".history-batch[data-id] .hb-group").await.iter().all(|t| t.contains("One of 2 destinations of one drop")) {
        assert!(Instant::now() < deadline, "the rows never named their drop: {:?}", texts(&c, ".hb-group").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = listed(&c, 3).await;
    let grouped: Vec<&String> = rows.iter().filter(|r| r.contains("of one drop")).collect();
    assert!(grouped.iter().any(|r| r.starts_with("Archive") && r.contains("with “Reports”")), "{rows:#?}");
    assert!(grouped.iter().any(|r| r.starts_with("Reports") && r.contains("with “Archive”")), "{rows:#?}");

    // Reports' details name Archive; "Show the whole drop" lists exactly the two.
    click_containing(&c, ".history-batch[data-id]", "with “Archive”").await;
    let group = wait_shown(&c, "#hd-group", 10).await;
    assert!(group.contains("One of 2 destinations of one drop") && group.contains("Archive"), "{group}");
    assert_eq!(texts(&c, "#hd-group [data-sibling]").await, ["Archive"]);
    env.screenshot("03-history-drop");
    click(&c, "#history-show-drop").await;
    wait_shown(&c, "#history-drop-filter", 10).await;
    wait_text_containing(&c, "#history-count", "2 of 3 shown", 10).await;
    let rows = listed(&c, 2).await;
    assert!(rows.iter().all(|r| r.contains("of one drop")), "only the drop: {rows:#?}");
    assert!(shown_text(&c, "#history-show-drop").await.is_none(), "it is what is shown");
    env.screenshot("04-the-whole-drop");

    // The sibling is one click away, and names this one back.
    click(&c, "#hd-group [data-sibling]").await;
    wait_for_text(&c, "#hd-title", "Archive").await;
    wait_shown(&c, "#history-details[data-outcome=\"failed\"]", 10).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while texts(&c, "#hd-group [data-sibling]").await != ["Reports"] {
        assert!(Instant::now() < deadline, "Archive's details do not name Reports: {:?}", texts(&c, "#hd-group [data-sibling]").await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // And back to every delivery.
    click(&c, "#history-drop-clear").await;
    wait_gone(&c, "#history-drop-filter").await;
    listed(&c, 3).await;
    wait_text_containing(&c, "#history-count", "3 deliveries", 10).await;
    c.close().await.unwrap();
}
