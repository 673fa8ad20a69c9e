//! Destination validation (what the form and the CLI show): never panics,
//! every problem is explained and names a field, and every one-click fix
//! fixes its problem. The input is either a JSON form (the seeds) or any
//! bytes, read as the `Form` below.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use chute_core::destination::{ContentHeaders, Settings};
use chute_core::provider::ProviderKind;
use chute_fuzz::Creds;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Form {
    provider: u8,
    path_style: bool,
    name: String,
    bucket: String,
    endpoint: String,
    region: String,
    account_id: String,
    prefix: String,
    key_template: String,
    storage_class: String,
    acl: String,
    headers: [String; 6],
    metadata: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    other_names: Vec<String>,
    credentials: Option<FormCreds>,
}

#[derive(Arbitrary, Debug)]
enum FormCreds {
    Keys { access_key_id: String, secret_present: bool },
    Profile { profile: String, known_profiles: Option<Vec<String>> },
    None,
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') && chute_fuzz::check_draft_json(data) {
        return;
    }
    let Ok(f) = Form::arbitrary_take_rest(arbitrary::Unstructured::new(data)) else { return };
    let [cache_control, content_disposition, content_encoding, content_language, expires, content_type] = f.headers;
    let s = Settings {
        name: f.name,
        provider: ProviderKind::ALL[f.provider as usize % ProviderKind::ALL.len()],
        bucket: f.bucket,
        region: f.region,
        endpoint: f.endpoint,
        account_id: f.account_id,
        path_style: f.path_style,
        prefix: f.prefix,
        key_template: f.key_template,
        storage_class: f.storage_class,
        acl: f.acl,
        headers: ContentHeaders { cache_control, content_disposition, content_encoding, content_language, expires, content_type },
        metadata: f.metadata,
        tags: f.tags,
        ..Settings::default()
    };
    let creds = f.credentials.map(|c| match c {
        FormCreds::Keys { access_key_id, secret_present } => Creds::Keys { access_key_id, secret_present },
        FormCreds::Profile { profile, known_profiles } => Creds::Profile { profile, known_profiles },
        FormCreds::None => Creds::None,
    });
    chute_fuzz::check_destination(&s, &f.other_names, creds.as_ref());
});
