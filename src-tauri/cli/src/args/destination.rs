//! `chute destination …`: add, list, show, edit, remove, duplicate,
//! import, deliver, test and probes, with the flags that describe a destination.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use chute_core::ProviderKind;
use chute_core::Settings;
use chute_core::{Compression, Encryption, Overwrite};

use super::deliver::{DeliverArgs, DELIVER_ABOUT};
use super::values::{parse_compression, parse_encryption, parse_kv, parse_overwrite, parse_provider};

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
    /// The multipart uploads left open under a destination's prefix (by Chute or anyone), oldest first, with their age and size.
    Uploads {
        /// The destination's name (ignoring case) or id.
        #[arg(value_name = "NAME-OR-ID")]
        target: String,
    },
    /// Abort open multipart uploads under a destination's prefix: one (--key and --upload-id), or all older than some hours.
    AbortUploads {
        /// The destination's name (ignoring case) or id.
        #[arg(value_name = "NAME-OR-ID")]
        target: String,
        /// The object key of the upload to abort.
        #[arg(long, value_name = "KEY", requires = "upload_id", conflicts_with = "older_than")]
        key: Option<String>,
        /// The upload's id, as `uploads` lists it.
        #[arg(long, value_name = "ID", requires = "key")]
        upload_id: Option<String>,
        /// Every upload started more than this many hours ago (0: all).
        #[arg(long, value_name = "HOURS", required_unless_present = "key")]
        older_than: Option<u64>,
        /// Do not ask for confirmation (without a terminal nothing is asked).
        #[arg(long, short = 'y')]
        yes: bool,
    },
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

    /// Read the password of the proxy's user (named in --proxy http://user@host:port) from standard input; it goes to the keychain.
    #[arg(long, conflicts_with = "secret_stdin")]
    pub proxy_password_stdin: bool,

    /// Read the SSE-C customer key (32 bytes as base64, or 64 hex digits) from standard input; it goes to the keychain.
    #[arg(long, conflicts_with_all = ["secret_stdin", "proxy_password_stdin", "generate_sse_c_key"])]
    pub sse_c_key_stdin: bool,

    /// Generate a new SSE-C customer key, keep it in the keychain and print it once (on stderr): keep a copy, losing it loses the objects.
    #[arg(long)]
    pub generate_sse_c_key: bool,
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
    /// Compress on the way: off, gzip (a `.gz` object) or gzip-encoding (same name, `Content-Encoding: gzip`).
    #[arg(long, value_name = "MODE", value_parser = parse_compression)]
    pub compression: Option<Compression>,
    /// After each batch, write a manifest of its objects, then a `_SUCCESS` marker if every file landed (`--manifest=false` to stop).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub manifest: Option<bool>,
    /// Check each object once it lands, one more request per file, which makes the receipt (the default); `--check-after-delivery=false` relies on the server's answer to each upload alone: faster for many small files.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub check_after_delivery: Option<bool>,
    /// How requests reach the endpoint: an HTTP proxy (`http://[user@]host:port`), `direct`, or "" for HTTPS_PROXY/HTTP_PROXY/NO_PROXY (the default).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// The most this destination's deliveries send per second (e.g. 2MB/s, 500KB/s; KB and MB are 1,024-based; `off` removes it). The overall limit (`chute settings bandwidth-limit`) applies too; the lower wins.
    #[arg(long, value_name = "RATE|off")]
    pub bandwidth_limit: Option<String>,
    /// Server-side encryption: none (the bucket's default), sse-s3, sse-kms or sse-c (your own key: --sse-c-key-stdin or --generate-sse-c-key).
    #[arg(long, value_name = "MODE", value_parser = parse_encryption)]
    pub encryption: Option<Encryption>,
    /// SSE-KMS: the key's ARN, id or alias/NAME ("" for the AWS-managed key).
    #[arg(long, value_name = "ID")]
    pub kms_key_id: Option<String>,
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
            &self.proxy,
            &self.bandwidth_limit,
            &self.kms_key_id,
        ]
        .iter()
        .all(|o| o.is_none())
            && self.path_style.is_none()
            && self.meta.is_empty()
            && self.tag.is_empty()
            && self.overwrite.is_none()
            && self.ignore.is_empty()
            && self.confirm_delivery.is_none()
            && self.compression.is_none()
            && self.manifest.is_none()
            && self.check_after_delivery.is_none()
            && self.encryption.is_none()
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
        set(&mut s.proxy, &self.proxy);
        set(&mut s.bandwidth_limit, &self.bandwidth_limit);
        set(&mut s.kms_key_id, &self.kms_key_id);
        if let Some(e) = self.encryption {
            s.encryption = e;
        }
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
        if let Some(c) = self.compression {
            s.compression = c;
        }
        if let Some(m) = self.manifest {
            s.manifest = m;
        }
        if let Some(c) = self.check_after_delivery {
            s.check_after_delivery = c;
        }
    }
}

/// A destination's name, provider and bucket given to `edit` or to
/// `test NAME`: each one given replaces the saved value.
pub fn apply_identity(s: &mut Settings, name: &Option<String>, provider: Option<ProviderKind>, bucket: &Option<String>) {
    if let Some(n) = name {
        s.name = n.clone();
    }
    if let Some(p) = provider {
        s.provider = p;
    }
    if let Some(b) = bucket {
        s.bucket = b.clone();
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
