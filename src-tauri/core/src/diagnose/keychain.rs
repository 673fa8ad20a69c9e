//! A keychain failure as a diagnosis: the same code and fix whether the
//! connection test, a delivery or a resume needed the secret.

use super::{Diagnosis, Evidence, Level};
use crate::report::UserError;
use crate::secret::SecretError;

pub fn keychain(e: &SecretError) -> Diagnosis {
    let info = e.info();
    Diagnosis::new(info.code, Level::Error, "The credentials could not be read from the keychain")
        .happened(info.message)
        .cause(match e {
            SecretError::Locked(_) => "The keychain is locked, or its unlock prompt was dismissed.",
            SecretError::Unavailable(_) => "No keychain service is running for this session.",
            SecretError::Timeout(_) => "The keychain is waiting for an unlock prompt nobody answered.",
            SecretError::Missing | SecretError::Corrupt => "The keychain item was removed or changed outside Chute.",
            SecretError::Other(_) => "The keychain reported an error.",
        })
        .fix(info.fix)
        .evidence(Evidence { step: Some("credentials".into()), ..Default::default() })
}
