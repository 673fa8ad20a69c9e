//! The command line, as clap sees it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use std::time::Duration;

use chute_core::destination::Overwrite;
use chute_core::provider::ProviderKind;
use chute_core::Settings;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "chute",
    version,
    about = "Chute: deliver files to S3-compatible storage (headless command line).",
    long_about = "Chute's command line. It uses the same core, the same validation and the same \
                  keychain as the desktop app. Secrets are never taken from a command-line argument: \
                  pipe them with --secret-stdin or type them at the hidden prompt."
)]
pub struct Cli {
    /// Print exactly one JSON document on stdout (errors as {"error": …}); `deliver` prints JSON lines.
    #[arg(long, global = true, display_order = 900)]
    pub json: bool,

    /// The folder holding Chute's database [default: $CHUTE_DATA_DIR, else the platform's app-data folder].
    #[arg(long, global = true, value_name = "DIR", display_order = 901)]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Parsed once per run, so the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list, show, edit, remove, duplicate, import and test destinations.
    #[command(subcommand, visible_alias = "dest")]
    Destination(DestinationCommand),
    /// Deliver files and folders to a destination (preview first; `--dry-run` sends nothing).
    #[command(long_about = DELIVER_ABOUT)]
    Deliver(DeliverArgs),
    /// Past deliveries: list, show and export batches; resume or discard an interrupted one.
    #[command(subcommand)]
    History(crate::history::HistoryCommand),
}

const DELIVER_ABOUT: &str = "Deliver files and folders to a destination. Chute plans first: every file, its key, \
the total size, what is left out and why, and keys that two files would share (collisions refuse the delivery). \
With --dry-run it stops there. On a terminal, a destination that asks for confirmation is confirmed first \
(--yes skips the question; --confirm insists on it, and refuses without a terminal).\n\n\
Ctrl-C cancels the delivery cleanly (unfinished multipart uploads are aborted); a second Ctrl-C quits at once.\n\n\
With --json, stdout carries JSON lines: one {\"event\":\"plan\"}, {\"event\":\"progress\"} a few times a second, \
one {\"event\":\"file\"} per finished file and a final {\"event\":\"summary\"}.\n\n\
Exit codes: 0 every file delivered or skipped, 1 a file failed or was cancelled (or could not be planned), \
2 invalid input (collisions, nothing to deliver, no terminal to confirm on), 130 cancelled with Ctrl-C.";

#[derive(Debug, Subcommand)]
pub enum DestinationCommand {
    /// Add a destination (validated exactly as the app's form does).
    Add(AddArgs),
    /// List the destinations.
    #[command(visible_alias = "ls")]
    List,
    /// Show one destination.
    Show {
        /// The destination's name (ignoring case) or id.
        #[arg(value_name = "NAME-OR-ID")]
        target: String,
    },
    /// Change a destination; fields not given keep their values.
    Edit(EditArgs),
    /// Remove a destination and its keychain item.
    #[command(visible_alias = "rm")]
    Remove {
        /// The destination's name (ignoring case) or id.
        #[arg(value_name = "NAME-OR-ID")]
        target: String,
        /// Do not ask for confirmation (required when there is no terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Copy a destination as "<name> copy", with its own keychain item.
    Duplicate {
        /// The destination's name (ignoring case) or id.
        #[arg(value_name = "NAME-OR-ID")]
        target: String,
    },
    /// Import connection settings from AWS profiles or rclone remotes.
    Import(ImportArgs),
    /// Deliver files and folders (the same as `chute deliver`).
    #[command(long_about = DELIVER_ABOUT)]
    Deliver(DeliverArgs),
    /// Test the connection: a saved destination, or unsaved settings given as for `add`.
    #[command(long_about = "Test the connection, step by step: credentials, DNS, TCP, TLS, the server's answer, \
                      the bucket, writing and deleting a small probe object under the prefix. Each problem found \
                      is explained with its likely cause and fix.\n\n\
                      `chute destination test NAME` tests a saved destination; flags given with NAME test it \
                      with those changes, without saving them. Without NAME, the flags of `add` describe unsaved \
                      settings to test (--name is optional then).\n\n\
                      Exit codes: 0 passed (or passed with warnings), 1 failed, 2 invalid input.")]
    Test(TestArgs),
    /// List a destination's stored connection tests, newest first.
    Probes {
        /// The destination's name (ignoring case) or id.
        #[arg(value_name = "NAME-OR-ID")]
        target: String,
        /// How many to show.
        #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
        limit: u32,
    },
}

fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    ProviderKind::parse(s).ok_or_else(|| {
        let ids: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.id()).collect();
        format!("unknown provider; use one of: {}", ids.join(", "))
    })
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    s.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).ok_or_else(|| "expected KEY=VALUE".to_string())
}

/// Where the credentials come from. At most one source.
#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// Use an access key; its secret is read from stdin (--secret-stdin) or a hidden prompt.
    #[arg(long, value_name = "ID", conflicts_with_all = ["profile", "no_credentials"])]
    pub access_key_id: Option<String>,

    /// Read the secret access key from standard input (all of it; a trailing newline is removed).
    #[arg(long, requires = "access_key_id")]
    pub secret_stdin: bool,

    /// Use a profile from ~/.aws/config (SSO, assume-role, credential_process, static keys).
    #[arg(long, value_name = "NAME", conflicts_with = "no_credentials")]
    pub profile: Option<String>,

    /// No credentials: the bucket must accept anonymous writes.
    #[arg(long)]
    pub no_credentials: bool,
}

/// Everything about a destination but its name, provider, bucket and credentials.
#[derive(Debug, Args)]
pub struct OptionArgs {
    /// Region code, e.g. eu-west-1 (empty: the provider's default).
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Endpoint URL (MinIO, custom; optional elsewhere).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Cloudflare account id (R2).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// Path-style addressing (`--path-style` or `--path-style=false`; default: the provider's).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub path_style: Option<bool>,
    /// Path prefix inside the bucket, e.g. incoming/.
    #[arg(long, value_name = "P")]
    pub prefix: Option<String>,
    /// Object key template, e.g. {prefix}{relpath}.
    #[arg(long, value_name = "T")]
    pub key_template: Option<String>,
    /// Storage class, e.g. STANDARD_IA.
    #[arg(long, value_name = "C")]
    pub storage_class: Option<String>,
    /// Canned ACL, e.g. private.
    #[arg(long, value_name = "A")]
    pub acl: Option<String>,
    /// Cache-Control header.
    #[arg(long, value_name = "V")]
    pub cache_control: Option<String>,
    /// Content-Disposition header.
    #[arg(long, value_name = "V")]
    pub content_disposition: Option<String>,
    /// Content-Encoding header.
    #[arg(long, value_name = "V")]
    pub content_encoding: Option<String>,
    /// Content-Language header.
    #[arg(long, value_name = "V")]
    pub content_language: Option<String>,
    /// Expires header.
    #[arg(long, value_name = "V")]
    pub expires: Option<String>,
    /// Content-Type (default: guessed from the file extension).
    #[arg(long, value_name = "V")]
    pub content_type: Option<String>,
    /// User metadata, repeatable (on edit: replaces all metadata).
    #[arg(long = "meta", value_name = "K=V", value_parser = parse_kv)]
    pub meta: Vec<(String, String)>,
    /// Object tag, repeatable (on edit: replaces all tags).
    #[arg(long = "tag", value_name = "K=V", value_parser = parse_kv)]
    pub tag: Vec<(String, String)>,
    /// When an object already exists at a key: never (refuse, the default), skip or overwrite.
    #[arg(long, value_name = "POLICY", value_parser = parse_overwrite)]
    pub overwrite: Option<Overwrite>,
    /// A name never delivered (`*`, `?`; a trailing `/` for folders), repeatable (replaces the list).
    #[arg(long = "ignore", value_name = "PATTERN")]
    pub ignore: Vec<String>,
    /// Ask before delivering (`--confirm-delivery` or `--confirm-delivery=false`).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub confirm_delivery: Option<bool>,
}

pub fn parse_overwrite(s: &str) -> Result<Overwrite, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "never" => Ok(Overwrite::Never),
        "skip" => Ok(Overwrite::Skip),
        "overwrite" | "always" => Ok(Overwrite::Overwrite),
        _ => Err("use never, skip or overwrite".into()),
    }
}

pub fn overwrite_word(o: Overwrite) -> &'static str {
    match o {
        Overwrite::Never => "never",
        Overwrite::Skip => "skip",
        Overwrite::Overwrite => "overwrite",
    }
}

impl OptionArgs {
    /// True when none of the options was given.
    pub fn is_empty(&self) -> bool {
        [
            &self.region,
            &self.endpoint,
            &self.account_id,
            &self.prefix,
            &self.key_template,
            &self.storage_class,
            &self.acl,
            &self.cache_control,
            &self.content_disposition,
            &self.content_encoding,
            &self.content_language,
            &self.expires,
            &self.content_type,
        ]
        .iter()
        .all(|o| o.is_none())
            && self.path_style.is_none()
            && self.meta.is_empty()
            && self.tag.is_empty()
            && self.overwrite.is_none()
            && self.ignore.is_empty()
            && self.confirm_delivery.is_none()
    }

    /// Apply the options that were given to `s`.
    pub fn apply(&self, s: &mut Settings) {
        let set = |field: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                *field = v.clone();
            }
        };
        set(&mut s.region, &self.region);
        set(&mut s.endpoint, &self.endpoint);
        set(&mut s.account_id, &self.account_id);
        set(&mut s.prefix, &self.prefix);
        set(&mut s.key_template, &self.key_template);
        set(&mut s.storage_class, &self.storage_class);
        set(&mut s.acl, &self.acl);
        set(&mut s.headers.cache_control, &self.cache_control);
        set(&mut s.headers.content_disposition, &self.content_disposition);
        set(&mut s.headers.content_encoding, &self.content_encoding);
        set(&mut s.headers.content_language, &self.content_language);
        set(&mut s.headers.expires, &self.expires);
        set(&mut s.headers.content_type, &self.content_type);
        if let Some(p) = self.path_style {
            s.path_style = p;
        }
        if !self.meta.is_empty() {
            s.metadata = self.meta.iter().cloned().collect::<BTreeMap<_, _>>();
        }
        if !self.tag.is_empty() {
            s.tags = self.tag.iter().cloned().collect::<BTreeMap<_, _>>();
        }
        if let Some(o) = self.overwrite {
            s.overwrite = o;
        }
        if !self.ignore.is_empty() {
            s.ignore = self.ignore.clone();
        }
        if let Some(c) = self.confirm_delivery {
            s.confirm_delivery = c;
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// A name you will recognise, unique ignoring case.
    #[arg(long, value_name = "N")]
    pub name: String,
    /// aws, r2, minio, b2, tigris or custom.
    #[arg(long, value_name = "PROVIDER", value_parser = parse_provider)]
    pub provider: ProviderKind,
    /// The bucket's name (only the name; the folder goes in --prefix).
    #[arg(long, value_name = "B")]
    pub bucket: String,
    #[command(flatten)]
    pub options: OptionArgs,
    /// Save the destination paused (inactive).
    #[arg(long)]
    pub paused: bool,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Validate only: print the problems and save nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The destination's name (ignoring case) or id.
    #[arg(value_name = "NAME-OR-ID")]
    pub target: String,
    /// New name.
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// New provider: aws, r2, minio, b2, tigris or custom.
    #[arg(long, value_name = "PROVIDER", value_parser = parse_provider)]
    pub provider: Option<ProviderKind>,
    /// New bucket.
    #[arg(long, value_name = "B")]
    pub bucket: Option<String>,
    #[command(flatten)]
    pub options: OptionArgs,
    /// Remove all user metadata.
    #[arg(long, conflicts_with = "meta")]
    pub clear_meta: bool,
    /// Remove all tags.
    #[arg(long, conflicts_with = "tag")]
    pub clear_tags: bool,
    /// Deliver every name (empty the ignore list; the default list is .DS_Store, Thumbs.db, … ).
    #[arg(long, conflicts_with = "ignore")]
    pub clear_ignore: bool,
    /// Resume deliveries.
    #[arg(long, conflicts_with = "paused")]
    pub active: bool,
    /// Pause deliveries.
    #[arg(long)]
    pub paused: bool,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Validate only: print the problems and save nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// A saved destination's name (ignoring case) or id. Without it, the flags describe unsaved settings.
    #[arg(value_name = "NAME-OR-ID")]
    pub target: Option<String>,
    /// Also read the probe object back and compare it with what was written.
    #[arg(long)]
    pub read_back: bool,
    /// Apply the one-click fixes the test finds to the saved destination, then test again.
    #[arg(long, requires = "target")]
    pub apply_fix: bool,
    /// Name (optional, unused: accepted so an `add` command line can be tested as is; nothing is saved).
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// aws, r2, minio, b2, tigris or custom (required without NAME-OR-ID).
    #[arg(long, value_name = "PROVIDER", value_parser = parse_provider)]
    pub provider: Option<ProviderKind>,
    /// The bucket's name (required without NAME-OR-ID).
    #[arg(long, value_name = "B")]
    pub bucket: Option<String>,
    #[command(flatten)]
    pub options: OptionArgs,
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

impl TestArgs {
    /// True when any setting or credential flag was given (a draft, not the saved destination as is).
    pub fn has_settings(&self) -> bool {
        self.name.is_some()
            || self.provider.is_some()
            || self.bucket.is_some()
            || !self.options.is_empty()
            || self.credentials.access_key_id.is_some()
            || self.credentials.profile.is_some()
            || self.credentials.no_credentials
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// aws (profiles in ~/.aws/config and ~/.aws/credentials) or rclone (rclone.conf).
    #[arg(long, value_name = "aws|rclone", value_parser = ["aws", "rclone"])]
    pub from: String,
    /// Read this file instead of the default location.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// List what can be imported (the default without --source).
    #[arg(long, conflicts_with = "source")]
    pub list: bool,
    /// The profile or remote to import.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Name of the new destination [default: the profile or remote name].
    #[arg(long, value_name = "N", requires = "source")]
    pub name: Option<String>,
    /// Bucket of the new destination.
    #[arg(long, value_name = "B", requires = "source")]
    pub bucket: Option<String>,
    /// Path prefix of the new destination.
    #[arg(long, value_name = "P", requires = "source")]
    pub prefix: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// The destination's name (ignoring case) or id.
    #[arg(value_name = "NAME-OR-ID")]
    pub target: String,
    /// Files and folders to deliver (a folder's files keep their paths inside it).
    #[arg(value_name = "PATH", required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// Plan and print the preview only; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation, whatever the destination says.
    #[arg(long, short = 'y', conflicts_with = "confirm")]
    pub yes: bool,
    /// Always ask for confirmation, and refuse when there is no terminal to ask on.
    #[arg(long)]
    pub confirm: bool,
    /// For this run only: never (refuse existing objects), skip or overwrite [default: the destination's].
    #[arg(long, value_name = "POLICY", value_parser = parse_overwrite)]
    pub overwrite: Option<Overwrite>,
    /// Requests in flight at once, across files and parts [default: 16].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Option<u32>,
    /// Add a presigned download link per delivered file, valid this long (e.g. 15m, 1h, 7d; at most 7d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub presign: Option<Duration>,
    /// How many planned keys the preview lists: a number, or `all`.
    #[arg(long = "list", value_name = "N|all", value_parser = parse_list, default_value = "20")]
    pub list: ListRows,
    /// Files at or above this size go multipart (e.g. 16MiB) [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, hide = true)]
    pub multipart_threshold: Option<u64>,
    /// Smallest part size (e.g. 8MiB; the provider's minimum still applies) [default: 8MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, hide = true)]
    pub part_size: Option<u64>,
}

/// How many rows of a list to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListRows {
    All,
    First(usize),
}

impl ListRows {
    pub fn limit(self) -> usize {
        match self {
            ListRows::All => usize::MAX,
            ListRows::First(n) => n,
        }
    }
}

fn parse_list(s: &str) -> Result<ListRows, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(ListRows::All);
    }
    s.parse::<usize>().map(ListRows::First).map_err(|_| "expected a number or `all`".into())
}

pub const MAX_PRESIGN: Duration = Duration::from_secs(7 * 24 * 3600);

/// `90s`, `15m`, `1h`, `7d`, `1h30m`; between one second and seven days.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || "expected a duration such as 90s, 15m, 1h or 7d".to_string();
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(unit));
        num.clear();
    }
    if !num.is_empty() {
        return Err(bad());
    }
    if total == 0 {
        return Err("a link must be valid for at least one second".into());
    }
    if total > MAX_PRESIGN.as_secs() {
        return Err("presigned links are valid for at most 7 days (7d)".into());
    }
    Ok(Duration::from_secs(total))
}

/// `1048576`, `64KiB`, `8MiB`, `8M`, `1GiB` (K, M, G are binary here).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().map_err(|_| "expected a size such as 8MiB".to_string())?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => 1 << 20,
        "g" | "gib" | "gb" => 1 << 30,
        _ => return Err("expected a size such as 8MiB".into()),
    };
    Ok(n * mult)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert!(parse_duration("8d").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("1x").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8MiB"), Ok(8 << 20));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("8XB").is_err());
    }
}
