//! Credentials for the test servers, as the engine takes them when it is
//! driven directly (the probe, a delivery) rather than through the facade.

use chute_core::s3::Auth;
use chute_core::{Credentials, Sensitive};

use super::servers::{Moto, S3S_KEY, S3S_SECRET};

/// An access key and its secret.
pub fn key(access_key_id: &str, secret_access_key: &str) -> Auth {
    Auth::Static(Credentials {
        access_key_id: access_key_id.into(),
        secret_access_key: Sensitive::new(secret_access_key.into()),
        session_token: None,
    })
}

/// s3s-fs's keys.
pub fn s3s_auth() -> Auth {
    key(S3S_KEY, S3S_SECRET)
}

/// The keys (and session token, if any) of one of moto's users.
pub fn moto_auth(moto: &Moto, user: &str) -> Auth {
    let k = moto.user(user);
    Auth::Static(Credentials {
        access_key_id: k.access_key_id.clone(),
        secret_access_key: Sensitive::new(k.secret_access_key.clone()),
        session_token: k.session_token.clone().map(Sensitive::new),
    })
}
