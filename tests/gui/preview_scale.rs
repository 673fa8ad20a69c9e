//! A figure, not a check: how the window previews a folder of 100,000
//! files (issue: "opens its preview within 2 s and scrolls smoothly").
//! Ignored in the suite; `scripts/bench-preview.sh` runs it against a
//! release build and prints what it measured. It asserts only that the
//! preview is whole (every file counted, rows loaded where scrolled), never
//! a time.

use std::time::{Duration, Instant};

use crate::harness::*;
use crate::support;

const FILES: usize = 100_000;

/// Scrolls the preview's table from top to bottom in `steps` animation
/// frames, then reports each frame's interval (ms) and whether the last
/// rows came in.
const SCROLL: &str = r#"
const [steps, done] = [arguments[0], arguments[arguments.length - 1]];
const vp = document.querySelector('#plan-rows');
const gaps = [];
let last = performance.now();
let i = 0;
function frame(now) {
  gaps.push(now - last);
  last = now;
  i += 1;
  vp.scrollTop = (vp.scrollHeight - vp.clientHeight) * (i / steps);
  if (i < steps) { requestAnimationFrame(frame); } else { done(gaps); }
}
requestAnimationFrame(frame);
"#;

/// Whether the last file's row is loaded in the table.
const LAST_ROW_SHOWN: &str = r#"
return [...document.querySelectorAll('#delivery-preview .plan-row:not(.plan-row--loading)')]
  .some((r) => r.textContent.includes('file-099999'));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run by scripts/bench-preview.sh"]
async fn a_folder_of_100000_files_is_previewed_and_scrolled() {
    let fs = support::servers::S3sFs::start();
    let env = Env::new("preview-scale");
    let src = tempfile::tempdir().unwrap();
    let folder = src.path().join("tree");
    for i in 0..FILES {
        let dir = folder.join(format!("d{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        std::fs::write(dir.join(format!("file-{i:06}.bin")), b"x").unwrap();
    }
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    add_s3s_destination(&c, &fs, "Reports").await;

    let dropped = Instant::now();
    drop_on(&c, ".destination-row", &[&folder]).await;
    wait_shown(&c, "#delivery-preview", 60).await;
    let facts = wait_text_containing(&c, "#preview-facts", "100,000", 60).await;
    let counted = dropped.elapsed();
    wait_count_at_least(&c, "#delivery-preview .plan-row:not(.plan-row--loading)", 10, 60).await;
    let rows_shown = dropped.elapsed();
    env.screenshot("01-preview-100000");

    let gaps = c.execute_async(SCROLL, vec![serde_json::json!(120)]).await.expect("the scroll script ran");
    let mut gaps: Vec<f64> = serde_json::from_value(gaps).expect("frame intervals");
    gaps.remove(0); // the wait for the first frame
    let scrolled_at = Instant::now();
    // The last rows load once the table rests at the bottom.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let v = c.execute(LAST_ROW_SHOWN, vec![]).await.expect("the row script ran");
        if v.as_bool() == Some(true) {
            break;
        }
        assert!(Instant::now() < until, "the last file's row never loaded after scrolling to the end");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let bottom_loaded = scrolled_at.elapsed();
    env.screenshot("02-preview-scrolled-to-the-end");
    gaps.sort_by(f64::total_cmp);
    let pick = |q: f64| gaps[((gaps.len() - 1) as f64 * q).round() as usize];
    println!(
        "preview of {FILES} files: counted in {:.2} s, first rows in {:.2} s; scroll over {} frames: median {:.1} ms, p95 {:.1} ms, worst {:.1} ms a frame; last rows in {:.2} s after the scroll ({facts})",
        counted.as_secs_f64(),
        rows_shown.as_secs_f64(),
        gaps.len(),
        pick(0.5),
        pick(0.95),
        gaps[gaps.len() - 1],
        bottom_loaded.as_secs_f64(),
    );
}

async fn wait_count_at_least(c: &fantoccini::Client, css: &str, n: usize, secs: u64) {
    let until = Instant::now() + Duration::from_secs(secs);
    while count_shown(c, css).await < n {
        assert!(Instant::now() < until, "fewer than {n} of {css} within {secs} s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
