//! The destination form as a user fills it: the credentials typed, the
//! fields, and whole destinations added through it.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use super::page::{attr_in_page, click, texts, value_of, wait_for, wait_gone};
use crate::support::servers::{Moto, S3sFs, S3S_KEY, S3S_SECRET};

/// The secret access key the scenarios type into the form.
pub(crate) const SECRET: &str = "gui-Secret/Value+0123456789abcdefXYZ";

/// The access key id typed for destinations no server answers, and how Chute shows it.
pub(crate) const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const KEY_HINT: &str = "AKIA…MPLE";

pub(crate) async fn type_into(c: &Client, name: &str, text: &str) {
    let e = wait_for(c, &format!("#destination-form [name=\"{name}\"]")).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

/// Wait until the destination form's Save button is enabled (the form is valid).
pub(crate) async fn wait_save_enabled(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while attr_in_page(c, "#save-destination", "disabled").await.is_some() {
        assert!(Instant::now() < deadline, "Save never became enabled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Open the form and describe moto's eu-reports bucket (in eu-west-1) with
/// the region deliberately wrong; waits until the form could be saved.
pub(crate) async fn fill_eu_reports_with_the_wrong_region(c: &Client, moto: &Moto) {
    let writer = moto.user("writer");
    click(c, "#add-first").await;
    wait_for(c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("aws").await.unwrap();
    type_into(c, "name", "EU reports").await;
    type_into(c, "bucket", "eu-reports").await;
    type_into(c, "region", "us-east-1").await;
    type_into(c, "endpoint", &moto.endpoint()).await;
    type_into(c, "prefix", "incoming/").await;
    type_into(c, "access_key_id", &writer.access_key_id).await;
    type_into(c, "secret_access_key", &writer.secret_access_key).await;
    if attr_in_page(c, "#f-path_style:checked", "id").await.is_none() {
        click(c, "#destination-form [name=\"path_style\"]").await;
    }
    assert!(attr_in_page(c, "#f-path_style:checked", "id").await.is_some(), "path-style is on");
    wait_save_enabled(c).await;
}

/// Add a MinIO destination pointing at s3s-fs's `reports` bucket under `incoming/`.
pub(crate) async fn add_s3s_destination(c: &Client, fs: &S3sFs, name: &str) {
    add_minio_destination(c, name, &fs.endpoint(), S3S_KEY, S3S_SECRET).await;
}

/// Add the MinIO destination `name` with an access key, at an endpoint
/// nothing listens on (for what needs no server).
pub(crate) async fn add_offline_destination(c: &Client, name: &str) {
    add_minio_destination(c, name, "http://127.0.0.1:9", KEY_ID, SECRET).await;
}

/// Open the destination form with `opener` (`#add-first` on the empty
/// screen, `#add-destination` beside the list) and start a MinIO
/// destination `name` for the `reports` bucket at `endpoint`.
pub(crate) async fn start_minio_form(c: &Client, opener: &str, name: &str, endpoint: &str) {
    click(c, opener).await;
    wait_for(c, "#destination-form").await;
    c.find(Locator::Css("#destination-form select[name=\"provider\"]")).await.unwrap().select_by_value("minio").await.unwrap();
    type_into(c, "name", name).await;
    type_into(c, "bucket", "reports").await;
    type_into(c, "endpoint", endpoint).await;
}

/// Add a MinIO destination for the `reports` bucket under `incoming/` at
/// `endpoint`, with an access key, through the form.
pub(crate) async fn add_minio_destination(c: &Client, name: &str, endpoint: &str, key_id: &str, secret: &str) {
    start_minio_form(c, "#add-destination", name, endpoint).await;
    type_into(c, "prefix", "incoming/").await;
    type_into(c, "access_key_id", key_id).await;
    type_into(c, "secret_access_key", secret).await;
    // The "On delivery" defaults: keep existing objects, preview first, the usual ignores.
    assert!(attr_in_page(c, "#f-overwrite-never:checked", "id").await.is_some(), "never overwrite by default");
    assert!(attr_in_page(c, "#f-confirm_delivery:checked", "id").await.is_some(), "preview by default");
    assert!(value_of(c, "#f-ignore").await.contains(".DS_Store"));
    wait_save_enabled(c).await;
    click(c, "#save-destination").await;
    wait_gone(c, "#destination-form").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !texts(c, ".destination-row .dest-name").await.iter().any(|n| n == name) {
        assert!(Instant::now() < deadline, "{name} was never listed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
