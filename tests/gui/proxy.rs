//! A destination behind a proxy, set up in the window: the address checked
//! as it is typed, the password asked for only when the address names a
//! user, the connection test's proxy step through a real proxy (tinyproxy),
//! and the password kept in the keychain, never in the page or a file.

use fantoccini::Locator;

use crate::harness::*;
use crate::support;
use crate::support::http_proxy::{Rules, TinyProxy};
use crate::support::servers::{S3sFs, S3S_KEY, S3S_SECRET};

const PROXY_PASSWORD: &str = "gui-proxy-Pw-0123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_with_a_password_is_tested_through_and_kept_in_the_keychain() {
    let fs = S3sFs::start();
    let proxy = TinyProxy::start(Rules::Login("alice", PROXY_PASSWORD));
    let env = Env::new("proxy-form");
    let driver = Driver::start(&env);
    let c = driver.session().await;
    wait_for(&c, "body[data-ready=\"true\"]").await;

    start_minio_form(&c, "#add-first", "Behind the proxy", &fs.endpoint()).await;
    type_into(&c, "access_key_id", S3S_KEY).await;
    type_into(&c, "secret_access_key", S3S_SECRET).await;
    assert!(shown_text(&c, "#proxy-password-field").await.is_none(), "no password is asked for without a proxy user");

    // SOCKS is refused as it is typed, with the fix.
    type_into(&c, "proxy", "socks5://127.0.0.1:1080").await;
    let problem = wait_shown(&c, "[data-problem-for=\"proxy\"][data-code=\"proxy_scheme_unsupported\"]", 10).await;
    assert!(problem.contains("http://host:port"), "{problem}");

    // An address with a user asks for its password; a wrong one is named by the test.
    type_into(&c, "proxy", &format!("http://alice@127.0.0.1:{}", proxy.port)).await;
    wait_gone(&c, "[data-code=\"proxy_scheme_unsupported\"]").await;
    wait_shown(&c, "#proxy-password-field", 5).await;
    type_into(&c, "proxy_password", "not-it").await;
    click_to_open(&c, "#test-connection", "#probe-panel", 60).await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"failed\"]", 60).await;
    let card = wait_shown(&c, ".diagnosis[data-code=\"proxy_auth_required\"]", 10).await;
    assert!(card.contains(&format!("127.0.0.1:{}", proxy.port)), "{card}");
    env.screenshot("01-proxy-refused-password");
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#probe-panel").await;

    type_into(&c, "proxy_password", PROXY_PASSWORD).await;
    click_to_open(&c, "#test-connection", "#probe-panel", 60).await;
    wait_shown(&c, "#probe-outcome[data-outcome=\"passed\"]", 60).await;
    let step = wait_shown(&c, "[data-step=\"proxy\"]", 10).await;
    assert!(step.contains("the destination's proxy setting"), "{step}");
    env.screenshot("02-through-the-proxy");
    assert!(proxy.requests().iter().any(|r| r.starts_with("PUT ")), "the test's write went through the proxy: {:?}", proxy.requests());
    c.active_element().await.unwrap().send_keys("\u{E00C}").await.unwrap();
    wait_gone(&c, "#probe-panel").await;

    wait_save_enabled(&c).await;
    click(&c, "#save-destination").await;
    wait_gone(&c, "#destination-form").await;
    wait_for_text(&c, ".destination-row .dest-name", "Behind the proxy").await;
    let id = c.find(Locator::Css(".destination-row")).await.unwrap().attr("data-id").await.unwrap().expect("row id");
    assert_eq!(env.keyring.lookup("chute", &format!("destination:{id}:proxy")).as_deref(), Some(PROXY_PASSWORD));
    assert!(!c.source().await.unwrap().contains(PROXY_PASSWORD), "the proxy password is not left in the page");
    c.close().await.unwrap();
    drop(driver);
    assert!(support::content::bytes_found_under(env.data.path(), PROXY_PASSWORD.as_bytes()).is_empty());
}
