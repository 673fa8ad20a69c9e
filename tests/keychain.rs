//! The core against a real Secret Service (gnome-keyring on a private
//! D-Bus session). Secrets must land in the keychain and nowhere else.

mod support;

use chute_core::Code;
use chute_core::{Chute, CredentialInput, CredentialSource, SecretStore, Sensitive, Settings};
use support::content::bytes_found_under;
use support::keychain::process_keyring as keyring;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzTEST0SECRET";
const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";

fn settings(name: &str) -> Settings {
    Settings {
        name: name.into(),
        provider: chute_core::provider::ProviderKind::Minio,
        bucket: "reports".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        prefix: "incoming/".into(),
        ..Settings::default()
    }
}

fn keys(secret: &str) -> CredentialInput {
    CredentialInput::Keys { access_key_id: KEY_ID.into(), secret_access_key: Sensitive::new(secret.into()), session_token: None }
}

fn open(dir: &std::path::Path) -> Chute {
    keyring();
    Chute::open_with(dir, SecretStore::platform()).expect("open")
}

#[test]
fn secret_goes_to_the_keychain_and_nowhere_else() {
    let k = keyring();
    let dir = tempfile::tempdir().unwrap();
    let chute = open(dir.path());
    let saved = chute.create(settings("Reports"), keys(SECRET)).expect("create");
    let id = saved.destination.destination.id.clone();

    // In the keychain, under Chute's service and the destination's account.
    let item = k.lookup("chute", &format!("destination:{id}")).expect("item in the Secret Service");
    assert!(k.count("chute") >= 1, "the item counter sees stored items");
    assert!(k.holds_secret("chute", SECRET), "the secret search sees stored secrets");
    assert!(item.contains(SECRET));
    assert!(item.contains(KEY_ID));

    // Only a masked key id is kept by Chute.
    assert_eq!(saved.destination.destination.credentials, CredentialSource::Keychain { key_id_hint: "AKIA…MPLE".into() });

    // Not in any file Chute wrote (DB, WAL, SHM), not in the view JSON.
    drop(chute);
    assert!(bytes_found_under(dir.path(), SECRET.as_bytes()).is_empty());
    assert!(bytes_found_under(dir.path(), KEY_ID.as_bytes()).is_empty(), "even the full key id stays in the keychain");
    let chute = open(dir.path());
    let json = serde_json::to_string(&chute.list_views().unwrap()).unwrap();
    assert!(!json.contains(SECRET) && !json.contains(KEY_ID), "{json}");

    // And the core can read it back for use.
    let d = chute.get(&id).unwrap();
    let creds = chute.credentials(&d).unwrap().unwrap();
    assert_eq!(creds.secret_access_key.expose(), SECRET);
    assert_eq!(creds.access_key_id, KEY_ID);
}

#[test]
fn delete_removes_the_keychain_item() {
    let k = keyring();
    let dir = tempfile::tempdir().unwrap();
    let chute = open(dir.path());
    let id = chute.create(settings("To delete"), keys("secret-to-delete")).unwrap().destination.destination.id;
    assert!(k.lookup("chute", &format!("destination:{id}")).is_some());
    chute.delete(&id).unwrap();
    assert!(k.lookup("chute", &format!("destination:{id}")).is_none());
    assert!(chute.list().unwrap().iter().all(|d| d.id != id));
}

#[test]
fn duplicate_gets_its_own_item_and_edit_keeps_or_replaces() {
    let k = keyring();
    let dir = tempfile::tempdir().unwrap();
    let chute = open(dir.path());
    let a = chute.create(settings("Alpha"), keys("alpha-secret")).unwrap().destination.destination;
    let b = chute.duplicate(&a.id).unwrap().destination.destination;
    assert_eq!(b.settings.name, "Alpha copy");
    assert_ne!(a.id, b.id);
    assert!(k.lookup("chute", &format!("destination:{}", b.id)).unwrap().contains("alpha-secret"));

    // Edit with "keep": secret unchanged.
    let mut s = b.settings.clone();
    s.bucket = "reports-2".into();
    chute.update(&b.id, s.clone(), CredentialInput::Keep).unwrap();
    assert!(k.lookup("chute", &format!("destination:{}", b.id)).unwrap().contains("alpha-secret"));

    // Replace the key.
    chute.update(&b.id, s.clone(), keys("beta-secret")).unwrap();
    assert!(k.lookup("chute", &format!("destination:{}", b.id)).unwrap().contains("beta-secret"));
    assert!(k.lookup("chute", &format!("destination:{}", a.id)).unwrap().contains("alpha-secret"));

    // Switch to no credentials: the keychain item goes away.
    chute.update(&b.id, s, CredentialInput::None).unwrap();
    assert!(k.lookup("chute", &format!("destination:{}", b.id)).is_none());
}

#[test]
fn invalid_settings_write_nothing_anywhere() {
    let k = keyring();
    let dir = tempfile::tempdir().unwrap();
    let chute = open(dir.path());
    let mut s = settings("Broken");
    s.bucket = "Bad_Bucket".into();
    let err = chute.create(s, keys("never-stored")).unwrap_err();
    assert_eq!(err.reply().info.code, Code::InvalidDestination);
    // (Counting items would race with the other tests of this binary.)
    assert!(!k.holds_secret("chute", "never-stored"), "no keychain item for a rejected destination");
    assert!(chute.list().unwrap().is_empty());
}

#[test]
fn missing_item_is_explained() {
    keyring();
    let dir = tempfile::tempdir().unwrap();
    let chute = open(dir.path());
    let d = chute.create(settings("Gone"), keys("gone-secret")).unwrap().destination.destination;
    // Someone removes the item behind Chute's back.
    chute.secrets().delete(&d.id).unwrap();
    let err = chute.credentials(&d).unwrap_err();
    let info = chute_core::UserError::info(&err);
    assert_eq!(info.code, Code::KeychainSecretMissing);
    assert!(info.fix.contains("enter its secret access key again"), "{}", info.fix);
}
