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
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| {
            Failure::cli(
                EXIT_FAILED,
                Code::SecretReadFailed,
                format!("Standard input could not be read: {e}."),
                "Pipe the secret access key into --secret-stdin.",
            )
        })?;
        let mut text = String::from_utf8(buf).map_err(|_| {
            Failure::cli(
                EXIT_INVALID,
                Code::SecretNotText,
                "The secret read from standard input is not UTF-8 text.",
                "Pipe the secret access key as plain text, e.g. `printf %s \"$SECRET\" | chute … --secret-stdin`.",
            )
            .with_field("secret_access_key")
        })?;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        return Ok(Sensitive::new(text));
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
