//! `chute verify`: a past delivery's objects checked again, or a local
//! folder audited against the objects under a prefix.

use std::path::PathBuf;

use clap::Args;

pub const VERIFY_ABOUT: &str = "Check objects at their destination. Every delivery already checks each object as it lands \
(its receipt: size, then the ETag or checksum against what was sent); `chute history show` prints it.\n\n\
chute verify BATCH_ID checks a past delivery's objects again against what was recorded when they were delivered: \
the same size and ETag (verified), other ones (changed since) or none (missing). The result becomes the batch's receipt.\n\n\
chute verify --destination NAME [--prefix P] DIR audits a local folder against the objects under the prefix \
(the destination's own unless --prefix), whoever uploaded them: each file is paired with the object \
{prefix}{path inside DIR} and compared by size and content (a plain MD5 ETag, a multipart ETag, or a CRC32C \
checksum; where the server gives none of these only the size is compared, and the result says so); a file \
with no object is missing remotely, an object with no file missing locally.\n\n\
With --json, one document: the counts and every object's result.\n\n\
Exit codes: 0 every object verified (by size alone where the server allows no more), 1 an object differs, \
is missing or could not be checked (or the check could not run), 2 invalid input.";

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A batch id (from `chute history list`); with --destination, the local folder to audit.
    #[arg(value_name = "BATCH_ID|DIR")]
    pub target: PathBuf,
    /// Audit the folder DIR against the objects under this destination's prefix (name, ignoring case, or id).
    #[arg(long, value_name = "NAME")]
    pub destination: Option<String>,
    /// With --destination: audit the objects under this prefix instead of the destination's own.
    #[arg(long, value_name = "PREFIX", requires = "destination")]
    pub prefix: Option<String>,
    /// List every object checked (by default only those that are not verified).
    #[arg(long)]
    pub all: bool,
}
