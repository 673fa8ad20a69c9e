//! The words for an AWS profile that gives no credentials: above all an
//! IAM Identity Center (SSO) sign-in that expired or was never made on
//! this machine, fixed by the exact `aws sso login` to run; otherwise what
//! aws-config said, with the command that shows the same.

use super::{Diagnosis, Evidence, Level};
use crate::report::Code;
use crate::sso::{SsoSignIn, SsoToken};

/// `why`: aws-config's own words; `sso`: the profile's sign-in, if it is an SSO profile.
pub fn profile_failed(profile: &str, why: &str, sso: Option<&SsoSignIn>, ev: Evidence) -> Diagnosis {
    let login = format!("aws sso login --profile {profile}");
    let session = |s: &SsoSignIn| s.session.as_ref().map(|n| format!(" (SSO session `{n}`)")).unwrap_or_default();
    match sso {
        Some(s @ SsoSignIn { token: SsoToken::Expired { at }, .. }) => {
            Diagnosis::new(Code::SsoLoginNeeded, Level::Error, format!("The SSO sign-in of profile `{profile}` has expired"))
                .happened(format!("Profile `{profile}` signs in through IAM Identity Center{}, and its cached sign-in expired at {at}.", session(s)))
                .cause("An IAM Identity Center sign-in lasts a working session (8 hours unless the administrator set otherwise); the AWS CLI keeps it in ~/.aws/sso/cache.")
                .fix(format!("Run `{login}` and sign in in the browser it opens; Chute uses the new sign-in at once."))
                .evidence(ev)
        }
        Some(s @ SsoSignIn { token: SsoToken::Missing { path }, .. }) => {
            Diagnosis::new(Code::SsoLoginNeeded, Level::Error, format!("Profile `{profile}` needs an SSO sign-in on this machine"))
                .happened(format!(
                    "Profile `{profile}` signs in through IAM Identity Center{}, and there is no cached sign-in ({}).",
                    session(s),
                    path.display()
                ))
                .cause("Nobody signed in with this profile on this machine yet, or the sign-in cache was cleared (`aws sso logout` does that).")
                .fix(format!("Run `{login}` and sign in in the browser it opens; Chute uses the new sign-in at once."))
                .evidence(ev)
        }
        _ => {
            let sso_hint = if sso.is_some() { format!(" If the sign-in is the trouble, `{login}` renews it.") } else { String::new() };
            Diagnosis::new(Code::ProfileCredentialsFailed, Level::Error, format!("The AWS profile `{profile}` gave no credentials"))
                .happened(format!("Resolving the profile failed: {why}."))
                .cause("The profile is not in ~/.aws/config or ~/.aws/credentials, its role cannot be assumed, its credential_process failed, or its SSO portal could not be reached.")
                .fix(format!("Check the profile with `aws sts get-caller-identity --profile {profile}`.{sso_hint}"))
                .evidence(ev)
        }
    }
}
