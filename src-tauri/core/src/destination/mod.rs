//! The destination model and its validation. Validation returns
//! field-level problems (errors block saving, warnings do not); the form
//! shows them live and the CLI prints the same words.
//!
//! The model (model.rs) and the problems it can have (problems.rs) are at
//! the bottom; one validator per group of fields sits above them (name,
//! bucket, endpoint with where its host is, region, prefix, key template,
//! object options, proxy, server-side encryption, credentials); `validate` runs them all.

mod bucket;
mod credentials;
mod customer_key;
mod encryption;
mod endpoint;
mod hosts;
mod model;
mod name;
mod options;
mod prefix;
mod problems;
mod proxy;
mod region;
mod template;

pub use customer_key::{CustomerKey, SSE_C_ALGORITHM};
pub(crate) use hosts::is_loopback_host;
pub use model::{
    Compression, ContentHeaders, CredentialDraft, CredentialInput, CredentialSource, Destination, Encryption, Overwrite, Settings,
    DEFAULT_IGNORES,
};
pub use options::ACLS;
pub use prefix::clean_prefix;
pub use problems::{Context, CredentialCheck, Problem, Severity, SseKeyCheck};
pub use proxy::{proxy_choice, proxy_user, ProxyChoice, ProxyProblem};

use bucket::validate_bucket;
use credentials::validate_credentials;
use encryption::validate_encryption;
use endpoint::validate_endpoint;
use name::validate_name;
use options::validate_options;
use prefix::validate_prefix;
use problems::Problems;
use proxy::validate_proxy;
use region::validate_region;
use template::validate_template;

pub fn validate(s: &Settings, ctx: &Context) -> Vec<Problem> {
    let mut p = Problems(Vec::new());
    validate_name(&mut p, s, ctx);
    validate_bucket(&mut p, s);
    validate_endpoint(&mut p, s);
    validate_region(&mut p, s);
    validate_prefix(&mut p, s);
    validate_template(&mut p, s);
    validate_options(&mut p, s);
    validate_proxy(&mut p, s);
    validate_encryption(&mut p, s, &ctx.sse_c_key);
    if let Some(c) = &ctx.credentials {
        validate_credentials(&mut p, c);
    }
    p.0
}
