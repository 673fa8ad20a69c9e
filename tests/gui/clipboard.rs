//! Ctrl+V in the window, with the real clipboard of the X display (set and
//! read with xclip, as another application would): copied text kept as a
//! `.txt`, a copied image kept as a PNG, and copied files, each asked
//! about, previewed and delivered like a drop; the object's link then put
//! on the clipboard as chosen; a clipboard with nothing deliverable said.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::harness::*;
use crate::support::content::write;
use crate::support::servers::{S3sFs, S3S_KEY, S3S_SECRET};

/// Own the display's clipboard with `bytes` as `target`, as a copying
/// application does (xclip serves it until killed or replaced).
fn copy(env: &Env, target: &str, bytes: &[u8]) -> Child {
    let mut child = Command::new("xclip")
        .args(["-selection", "clipboard", "-t", target, "-display", &env.xvfb.display, "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xclip must be installed (scripts/install-deps.sh --test installs it)");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    // Wait until it owns the selection (it offers its target) before the window asks.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let targets =
            Command::new("xclip").args(["-o", "-selection", "clipboard", "-t", "TARGETS", "-display", &env.xvfb.display]).output().unwrap();
        if String::from_utf8_lossy(&targets.stdout).lines().any(|l| l == target) {
            break;
        }
        assert!(Instant::now() < deadline, "xclip never took the clipboard");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// What the display's clipboard holds as text, as another application would paste it.
fn clipboard_text(env: &Env) -> String {
    let out = Command::new("xclip").args(["-o", "-selection", "clipboard", "-display", &env.xvfb.display]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn press_ctrl_v(c: &Client) {
    // Control down, v, all keys up (WebDriver's key codes).
    c.find(Locator::Css("#main")).await.unwrap().send_keys("\u{E009}v\u{E000}").await.unwrap();
}

/// Paste, choose `Files` in the question (copying nothing when it lands:
/// the clipboard is the test's), deliver; the question's text.
async fn paste_and_deliver(c: &Client) -> String {
    press_ctrl_v(c).await;
    let asked = wait_shown(c, "#drop-picker", 20).await;
    c.find(Locator::Css("#picker-copy")).await.unwrap().select_by_value("nothing").await.unwrap();
    click(c, "#drop-picker .picker-option[data-active=\"true\"]").await;
    wait_shown(c, "#delivery-preview", 20).await;
    click(c, "#delivery-confirm").await;
    wait_gone(c, "#delivery-preview").await;
    asked
}

/// The delivered object whose key starts with `prefix` and ends with `suffix`
/// (not the probe object a first delivery writes and removes to see what the server does).
fn wait_for_object(fs: &S3sFs, prefix: &str, suffix: &str) -> (String, Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((k, v)) = fs.objects("reports").into_iter().find(|(k, _)| k.starts_with(prefix) && k.ends_with(suffix)) {
            return (k, v);
        }
        assert!(Instant::now() < deadline, "no object ending {suffix}: {:?}", fs.object_paths("reports"));
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_v_delivers_copied_text_an_image_and_files() {
    let fs = S3sFs::start();
    let env = Env::new("clipboard");
    let mut add = cli(&env)
        .args(["destination", "add", "--name", "Files", "--provider", "minio", "--bucket", "reports", "--endpoint", &fs.endpoint()])
        .args(["--prefix", "incoming/", "--access-key-id", S3S_KEY, "--secret-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(S3S_SECRET.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    // Text: kept as pasted-….txt; its link goes on the clipboard when it lands.
    let mut owner = copy(&env, "UTF8_STRING", "Numbers for Friday\n".as_bytes());
    press_ctrl_v(&c).await;
    let asked = wait_shown(&c, "#drop-picker", 20).await;
    assert!(asked.contains("You pasted text, kept as “pasted-") && asked.contains(".txt”"), "{asked}");
    c.find(Locator::Css("#picker-copy")).await.unwrap().select_by_value("link").await.unwrap();
    env.screenshot("01-pasted-text-asks-where");
    click(&c, "#drop-picker .picker-option[data-active=\"true\"]").await;
    wait_shown(&c, "#delivery-preview", 20).await;
    click(&c, "#delivery-confirm").await;
    let (key, body) = wait_for_object(&fs, "incoming/pasted-", ".txt");
    assert!(key.starts_with("incoming/pasted-"), "{key}");
    assert_eq!(body, b"Numbers for Friday\n");
    let link = format!("{}/reports/{key}", fs.endpoint());
    let deadline = Instant::now() + Duration::from_secs(20);
    while clipboard_text(&env).trim() != link {
        assert!(Instant::now() < deadline, "the link never reached the clipboard (it holds {:?})", clipboard_text(&env));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = owner.kill();

    // An image: kept as a PNG of the same picture.
    let png = env.home.path().join("shot.png");
    assert!(Command::new("convert").args(["-size", "3x2", "xc:red"]).arg(&png).status().unwrap().success());
    owner = copy(&env, "image/png", &std::fs::read(&png).unwrap());
    let asked = paste_and_deliver(&c).await;
    assert!(asked.contains("You pasted an image, kept as “pasted-"), "{asked}");
    let (key, body) = wait_for_object(&fs, "incoming/pasted-", ".png");
    let kept = env.home.path().join("kept.png");
    std::fs::write(&kept, &body).unwrap();
    let size = Command::new("identify").args(["-format", "%wx%h"]).arg(&kept).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&size.stdout), "3x2", "{key} is not the copied picture");
    let _ = owner.kill();

    // Files copied in a file manager (a URI list): delivered as they are.
    let dir = env.home.path().join("Reports");
    write(&dir, "march.csv", b"month,total\nmarch,3\n");
    let uri = format!("file://{}\n", dir.join("march.csv").display());
    owner = copy(&env, "text/uri-list", uri.as_bytes());
    let asked = paste_and_deliver(&c).await;
    assert!(asked.contains("You pasted “march.csv”."), "{asked}");
    let (_, body) = wait_for_object(&fs, "incoming/", "march.csv");
    assert_eq!(body, b"month,total\nmarch,3\n");
    let _ = owner.kill();

    // Nothing deliverable on the clipboard: said, nothing asked.
    owner = copy(&env, "application/x-chute-test", b"\x00\x01");
    press_ctrl_v(&c).await;
    wait_text_containing(&c, ".toast", "Nothing to deliver from the clipboard", 20).await;
    assert!(shown_text(&c, "#drop-picker").await.is_none(), "no question without anything to deliver");
    env.screenshot("02-nothing-to-paste");
    let _ = owner.kill();
    c.close().await.unwrap();
}
