//! The SSE-C customer key: 32 bytes, typed as base64 (what the AWS CLI and
//! SDKs print) or as 64 hex digits, or generated here from the operating
//! system's random source; and the forms S3 wants it in on a request (its
//! base64, and the base64 of its MD5, which lets the server tell a wrong key
//! from a damaged one). It is a secret: held in `Sensitive`, kept in the
//! keychain (see `SecretStore::save_sse_customer_key`).

use base64::Engine;
use md5::{Digest, Md5};

use crate::report::{Code, ErrorInfo};
use crate::secret::Sensitive;

/// AES-256: the only algorithm S3 defines for SSE-C.
pub const SSE_C_ALGORITHM: &str = "AES256";
const KEY_BYTES: usize = 32;

/// A customer key, its bytes never printed or serialized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerKey(Sensitive<[u8; KEY_BYTES]>);

impl CustomerKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<CustomerKey, ErrorInfo> {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| {
            ErrorInfo::new(
                Code::SseCKeyInvalid,
                format!("The system's random source failed ({e}), so no key could be generated."),
                "Generate a key yourself (`openssl rand -base64 32`) and enter it.",
            )
        })?;
        Ok(CustomerKey(Sensitive::new(bytes)))
    }

    /// Read a key as typed: base64 of 32 bytes, or 64 hex digits (spaces
    /// around it ignored). The error names what was typed by its form only.
    pub fn parse(text: &str) -> Result<CustomerKey, ErrorInfo> {
        let t = text.trim();
        let fix = "Enter the 32-byte key as base64 (44 characters, e.g. from `openssl rand -base64 32`) or as 64 hex digits, or let Chute generate one.";
        if t.is_empty() {
            return Err(ErrorInfo::new(Code::SseCKeyMissing, "SSE-C needs a customer key, and none was given.", fix));
        }
        let bytes = if t.len() == KEY_BYTES * 2 && t.chars().all(|c| c.is_ascii_hexdigit()) {
            (0..KEY_BYTES).map(|i| u8::from_str_radix(&t[i * 2..i * 2 + 2], 16).unwrap_or_default()).collect()
        } else {
            base64::engine::general_purpose::STANDARD.decode(t).map_err(|_| {
                ErrorInfo::new(
                    Code::SseCKeyInvalid,
                    format!("The customer key ({} characters) is neither base64 nor hex.", t.chars().count()),
                    fix,
                )
            })?
        };
        let bytes: [u8; KEY_BYTES] = bytes.try_into().map_err(|b: Vec<u8>| {
            ErrorInfo::new(
                Code::SseCKeyInvalid,
                format!("The customer key is {} bytes long; SSE-C keys are 32 bytes (AES-256).", b.len()),
                fix,
            )
        })?;
        Ok(CustomerKey(Sensitive::new(bytes)))
    }

    /// The key's base64, as it is sent and kept in the keychain.
    pub fn base64(&self) -> Sensitive<String> {
        Sensitive::new(base64::engine::general_purpose::STANDARD.encode(self.0.expose()))
    }

    /// The base64 of the key's MD5 (`x-amz-server-side-encryption-customer-key-MD5`):
    /// not secret, it names the key without revealing it.
    pub fn md5_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(Md5::digest(self.0.expose()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_keys_are_read_as_base64_or_hex() {
        let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        let from_hex = CustomerKey::parse(&format!("  {hex}\n")).unwrap();
        let from_b64 = CustomerKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        assert_eq!(from_hex, from_b64);
        assert_eq!(from_hex.base64().expose(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        assert_eq!(CustomerKey::parse("").unwrap_err().code, Code::SseCKeyMissing);
        for bad in ["not a key!", "AAECAwQ=", &hex[..62], &format!("{hex}00")] {
            let e = CustomerKey::parse(bad).unwrap_err();
            assert_eq!(e.code, Code::SseCKeyInvalid, "{bad}");
            assert!(!e.message.contains(bad) || bad.is_empty(), "the typed text is not repeated: {}", e.message);
        }
        assert!(!format!("{from_hex:?}").contains("AAEC"), "never printed");
    }

    #[test]
    fn generated_keys_differ_and_name_themselves_by_md5() {
        let (a, b) = (CustomerKey::generate().unwrap(), CustomerKey::generate().unwrap());
        assert_ne!(a, b);
        assert_eq!(CustomerKey::parse(a.base64().expose()).unwrap(), a);
        assert_eq!(a.md5_base64().len(), 24);
    }
}
