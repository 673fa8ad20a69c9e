//! Files handed to Chute by a launch, as a file manager's "Open with
//! Chute" or a terminal does it: `chute-app --deliver-to NAME FILE` opens
//! that destination's preview; a second launch while Chute runs hands its
//! files to the running window and exits (one instance), which asks where
//! they go; a destination name that does not exist is said in that question.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::support::content::write;
use crate::support::servers::{S3sFs, S3S_KEY, S3S_SECRET};

/// A destination on s3s-fs added with the CLI before the app starts.
fn add_with_cli(env: &Env, fs: &S3sFs, name: &str, prefix: &str) {
    let mut child = cli(env)
        .args(["destination", "add", "--name", name, "--provider", "minio", "--bucket", "reports", "--endpoint", &fs.endpoint()])
        .args(["--prefix", prefix, "--access-key-id", S3S_KEY, "--secret-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(S3S_SECRET.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "chute destination add {name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_handed_over_by_a_launch_open_the_preview() {
    let fs = S3sFs::start();
    let env = Env::new("open-with");
    add_with_cli(&env, &fs, "Files", "incoming/");
    add_with_cli(&env, &fs, "Archive", "archive/");
    let dir = env.home.path().join("Documents");
    write(&dir, "report.csv", b"id,total\n1,2\n");
    write(&dir, "later.csv", b"later\n");
    write(&dir, "again.csv", b"again\n");
    let report = dir.join("report.csv");

    // `chute-app --deliver-to Files report.csv`: that destination's preview, at once.
    let driver = Driver::start(&env);
    let c = driver.session_with_args(&["--deliver-to", "files", report.to_str().unwrap()]).await;
    wait_for(&c, "body[data-ready=\"true\"]").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    assert_eq!(shown_text(&c, "#delivery-confirm").await.unwrap().trim(), "Deliver 1 file");
    env.screenshot("01-opened-with-a-destination");
    click(&c, "#delivery-confirm").await;
    wait_shown(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 60).await;
    assert_eq!(fs.objects("reports")["incoming/report.csv"], b"id,total\n1,2\n");

    // A second launch, as "Open with Chute" does while Chute runs: one
    // window, which asks where the file goes.
    env.second_launch(&[dir.join("later.csv").to_str().unwrap()]);
    let asked = wait_shown(&c, "#drop-picker", 20).await;
    assert!(asked.contains("later.csv"), "{asked}");
    env.screenshot("02-second-launch-asks-where");
    click(&c, "#drop-picker .picker-option[data-active=\"true\"]:not([data-id=\"\"])").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    wait_count(&c, "#delivery-outcome[data-outcome=\"delivered\"]", 1, 60).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !fs.objects("reports").keys().any(|k| k.ends_with("later.csv")) {
        assert!(Instant::now() < deadline, "later.csv never landed: {:?}", fs.object_paths("reports"));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A name that is not a destination is said, then asked about.
    env.second_launch(&["--deliver-to", "Nowhere", dir.join("again.csv").to_str().unwrap()]);
    let asked = wait_text_containing(&c, "#drop-picker-what", "There is no destination named “Nowhere”.", 20).await;
    assert!(asked.contains("again.csv"), "{asked}");
    env.screenshot("03-unknown-destination");
    c.close().await.unwrap();
}
