//! Credentials from the flags: an access key (its secret from stdin or a
//! hidden prompt, never from an argument), an AWS profile, or none.

use std::io::{IsTerminal, Read};

use chute_core::{Code, CredentialInput, Sensitive};

use crate::args::CredentialArgs;
use crate::output::{Failure, EXIT_FAILED, EXIT_INVALID};

/// The credentials the flags ask for; `None` when no source was given.
pub fn credential_input(c: &CredentialArgs) -> Result<Option<CredentialInput>, Failure> {
    if let Some(key_id) = &c.access_key_id {
        let secret = read_secret(c.secret_stdin, key_id)?;
        return Ok(Some(CredentialInput::Keys { access_key_id: key_id.clone(), secret_access_key: secret, session_token: None }));
    }
    if let Some(p) = &c.profile {
        return Ok(Some(CredentialInput::Profile { profile: p.clone() }));
    }
    if c.no_credentials {
        return Ok(Some(CredentialInput::None));
    }
    Ok(None)
}

/// The secret access key: from stdin with `--secret-stdin`, else from a
/// hidden prompt on the terminal. Never from an argument.
fn read_secret(from_stdin: bool, key_id: &str) -> Result<Sensitive<String>, Failure> {
    if from_stdin {
        return read_stdin("the secret access key", "--secret-stdin", "secret_access_key");
    }
    if std::io::stdin().is_terminal() {
        let prompt = format!("Secret access key for {}: ", chute_core::mask_key_id(key_id));
        return rpassword::prompt_password(prompt).map(Sensitive::new).map_err(|e| {
            Failure::cli(
                EXIT_FAILED,
                Code::SecretPromptFailed,
                format!("The secret could not be read from the terminal: {e}."),
                "Pipe the secret with --secret-stdin instead.",
            )
            .with_field("secret_access_key")
        });
    }
    Err(Failure::cli(
        EXIT_INVALID,
        Code::SecretNeedsStdin,
        "--access-key-id needs its secret access key, and there is no terminal to ask for it.",
        "Pipe the secret into the command and add --secret-stdin, e.g. `printf %s \"$SECRET\" | chute destination add … --access-key-id ID --secret-stdin`. Chute never takes a secret as an argument.",
    )
    .with_field("secret_access_key"))
}

/// The proxy password from `--proxy-password-stdin`, if given.
pub fn proxy_password_input(c: &CredentialArgs) -> Result<Option<Sensitive<String>>, Failure> {
    if !c.proxy_password_stdin {
        return Ok(None);
    }
    read_stdin("the proxy password", "--proxy-password-stdin", "proxy_password").map(Some)
}

/// A secret piped into standard input (all of it; one trailing newline removed).
pub(super) fn read_stdin(what: &str, flag: &str, field: &str) -> Result<Sensitive<String>, Failure> {
    let mut buf = Vec::new();
    std::io::stdin().read_to_end(&mut buf).map_err(|e| {
        Failure::cli(
            EXIT_FAILED,
            Code::SecretReadFailed,
            format!("Standard input could not be read: {e}."),
            format!("Pipe {what} into {flag}."),
        )
    })?;
    let mut text = String::from_utf8(buf).map_err(|_| {
        Failure::cli(
            EXIT_INVALID,
            Code::SecretNotText,
            format!("The text read from standard input for {what} is not UTF-8."),
            format!("Pipe {what} as plain text, e.g. `printf %s \"$SECRET\" | chute … {flag}`."),
        )
        .with_field(field)
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(Sensitive::new(text))
}
