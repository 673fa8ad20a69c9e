//! The SSE-C customer key from the flags: read from standard input
//! (`--sse-c-key-stdin`, never an argument) or generated
//! (`--generate-sse-c-key`, then printed once on stderr), checked before a
//! save, kept in the keychain after it, and the warning that losing it
//! loses the objects.

use chute_core::{Chute, Code, CustomerKey, Encryption, Settings};

use super::credentials::read_stdin;
use crate::args::CredentialArgs;
use crate::output::{Failure, Out, EXIT_INVALID};

/// A key given on this run.
pub struct KeyInput {
    key: CustomerKey,
    generated: bool,
}

const LOSING_IT: &str = "Objects written with SSE-C can only be read with this key: if it is lost, they are lost. Keep a copy outside Chute (a password manager).";

/// The key the flags give, if any (read or generated now).
pub fn sse_c_key_input(c: &CredentialArgs) -> Result<Option<KeyInput>, Failure> {
    if c.generate_sse_c_key {
        let key = CustomerKey::generate().map_err(|e| Failure::from_info(EXIT_INVALID, e))?;
        return Ok(Some(KeyInput { key, generated: true }));
    }
    if !c.sse_c_key_stdin {
        return Ok(None);
    }
    let text = read_stdin("the SSE-C key", "--sse-c-key-stdin", "sse_c_key")?;
    let key = CustomerKey::parse(text.expose()).map_err(|e| Failure::from_info(EXIT_INVALID, e).with_field("sse_c_key"))?;
    Ok(Some(KeyInput { key, generated: false }))
}

/// Refuse a save that would leave an SSE-C destination without a key, or
/// a key given to a destination that does not use one.
pub fn check_before_save(chute: &Chute, s: &Settings, key: Option<&KeyInput>, editing: Option<&str>) -> Result<(), Failure> {
    if s.encryption != Encryption::SseC {
        if key.is_some() {
            return Err(Failure::cli(
                EXIT_INVALID,
                Code::Usage,
                "An SSE-C key was given, but the destination does not encrypt with SSE-C.",
                "Add --encryption sse-c, or leave out --sse-c-key-stdin and --generate-sse-c-key.",
            )
            .with_field("sse_c_key"));
        }
        return Ok(());
    }
    let kept = editing.is_some_and(|id| chute.has_sse_customer_key(id).unwrap_or(false));
    if key.is_none() && !kept {
        return Err(Failure::cli(
            EXIT_INVALID,
            Code::SseCKeyMissing,
            "SSE-C needs a customer key, and none was given.",
            "Pipe the 32-byte key (base64 or 64 hex digits) into --sse-c-key-stdin, or add --generate-sse-c-key.",
        )
        .with_field("sse_c_key"));
    }
    Ok(())
}

/// After the save: the key to the keychain; a generated one printed once
/// (on stderr, out of `--json` documents), with what losing it means.
pub fn keep_after_save(chute: &Chute, id: &str, key: Option<KeyInput>, out: &Out) -> Result<(), Failure> {
    let Some(k) = key else { return Ok(()) };
    chute.set_sse_customer_key(id, Some(&k.key))?;
    if k.generated {
        out.stderr(&format!(
            "SSE-C key generated and kept in the keychain. It is shown this once; copy it now:\n\n    {}\n\nWARNING: {LOSING_IT}\n",
            k.key.base64().expose()
        ));
    } else {
        out.stderr(&format!("SSE-C key kept in the keychain. WARNING: {LOSING_IT}\n"));
    }
    Ok(())
}

/// The key a connection test of typed settings uses, in the form the core
/// takes (a generated one would test nothing kept: it is refused there).
pub fn key_for_test(c: &CredentialArgs) -> Result<Option<chute_core::Sensitive<String>>, Failure> {
    if c.generate_sse_c_key {
        return Err(Failure::cli(
            EXIT_INVALID,
            Code::Usage,
            "--generate-sse-c-key makes a key to keep; a connection test keeps nothing.",
            "Test with the key you will use (--sse-c-key-stdin), or add the destination with --generate-sse-c-key first.",
        ));
    }
    Ok(sse_c_key_input(c)?.map(|k| k.key.base64()))
}
