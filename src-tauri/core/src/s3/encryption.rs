//! A destination's server-side encryption on the wire: the headers each
//! request needs, added to every request of the destination's client (so
//! a delivery, a resume, a receipt, the connection test and what it
//! measures cannot forget one).
//!
//! SSE-S3 and SSE-KMS go on the requests that create an object (PutObject,
//! CreateMultipartUpload, CopyObject) and nowhere else: S3 refuses them on
//! reads. SSE-C's key goes on every request that writes or reads an
//! object's bytes or metadata (PutObject, CreateMultipartUpload,
//! UploadPart, UploadPartCopy, CompleteMultipartUpload, HeadObject,
//! GetObject, GetObjectAttributes). A destination set to SSE-C whose key
//! could not be had sends nothing at all: the request fails here rather
//! than write an object unencrypted.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::destination::{CustomerKey, Encryption, Settings, SSE_C_ALGORITHM};

const SSE: &str = "x-amz-server-side-encryption";
const SSE_KMS_KEY: &str = "x-amz-server-side-encryption-aws-kms-key-id";
const SSE_C_ALGORITHM_HEADER: &str = "x-amz-server-side-encryption-customer-algorithm";
const SSE_C_KEY: &str = "x-amz-server-side-encryption-customer-key";
const SSE_C_KEY_MD5: &str = "x-amz-server-side-encryption-customer-key-md5";

/// Operations that create an object.
const CREATES: &[&str] = &["PutObject", "CreateMultipartUpload", "CopyObject"];
/// Operations that need an SSE-C object's key.
const NEEDS_CUSTOMER_KEY: &[&str] = &[
    "PutObject",
    "CreateMultipartUpload",
    "UploadPart",
    "UploadPartCopy",
    "CompleteMultipartUpload",
    "HeadObject",
    "GetObject",
    "GetObjectAttributes",
    "CopyObject",
];

/// The encryption a client applies: the destination's choice, with the
/// customer key from the keychain for SSE-C.
#[derive(Debug, Clone)]
pub struct ObjectEncryption {
    mode: Encryption,
    kms_key_id: String,
    customer_key: Option<CustomerKey>,
}

impl ObjectEncryption {
    /// `None` when the destination asks for none (the bucket's default).
    pub fn of(s: &Settings, customer_key: Option<CustomerKey>) -> Option<ObjectEncryption> {
        (s.encryption != Encryption::None).then(|| ObjectEncryption {
            mode: s.encryption,
            kms_key_id: s.kms_key_id.trim().to_string(),
            customer_key,
        })
    }

    /// The headers `operation` gets (the SSE-C key's value redacted in
    /// `Debug`: it is a `Sensitive` until it is written into the request).
    fn headers(&self, operation: &str) -> Result<Vec<(&'static str, String)>, BoxError> {
        match self.mode {
            Encryption::None => Ok(vec![]),
            Encryption::SseS3 if CREATES.contains(&operation) => Ok(vec![(SSE, "AES256".into())]),
            Encryption::SseKms if CREATES.contains(&operation) => {
                let mut h = vec![(SSE, "aws:kms".to_string())];
                if !self.kms_key_id.is_empty() {
                    h.push((SSE_KMS_KEY, self.kms_key_id.clone()));
                }
                Ok(h)
            }
            Encryption::SseC if NEEDS_CUSTOMER_KEY.contains(&operation) => {
                let key = self.customer_key.as_ref().ok_or(
                    "the destination encrypts with SSE-C, and its customer key could not be read from the keychain; nothing was sent",
                )?;
                Ok(vec![
                    (SSE_C_ALGORITHM_HEADER, SSE_C_ALGORITHM.into()),
                    (SSE_C_KEY, key.base64().expose().clone()),
                    (SSE_C_KEY_MD5, key.md5_base64()),
                ])
            }
            _ => Ok(vec![]),
        }
    }
}

impl Intercept for ObjectEncryption {
    fn name(&self) -> &'static str {
        "ChuteObjectEncryption"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(|m| m.name().to_string()).unwrap_or_default();
        let headers = self.headers(&operation)?;
        let request = context.request_mut();
        for (name, value) in headers {
            // Insert, not append: a retried attempt carries each header once.
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(mode: Encryption, kms: &str, key: Option<CustomerKey>) -> ObjectEncryption {
        ObjectEncryption::of(&Settings { encryption: mode, kms_key_id: kms.into(), ..Settings::default() }, key).unwrap()
    }

    #[test]
    fn each_mode_goes_where_s3_wants_it() {
        let names = |e: &ObjectEncryption, op: &str| e.headers(op).unwrap().into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        let s3 = enc(Encryption::SseS3, "", None);
        assert_eq!(names(&s3, "PutObject"), vec![SSE]);
        assert_eq!(names(&s3, "CreateMultipartUpload"), vec![SSE]);
        assert!(names(&s3, "UploadPart").is_empty() && names(&s3, "HeadObject").is_empty() && names(&s3, "GetObject").is_empty());
        let kms = enc(Encryption::SseKms, "alias/reports", None);
        assert_eq!(kms.headers("PutObject").unwrap()[1], (SSE_KMS_KEY, "alias/reports".to_string()));
        assert_eq!(names(&enc(Encryption::SseKms, "", None), "PutObject"), vec![SSE], "empty: the AWS-managed key");
        let key = CustomerKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let c = enc(Encryption::SseC, "", Some(key.clone()));
        for op in ["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "HeadObject", "GetObject"] {
            assert_eq!(names(&c, op), vec![SSE_C_ALGORITHM_HEADER, SSE_C_KEY, SSE_C_KEY_MD5], "{op}");
        }
        assert!(names(&c, "DeleteObject").is_empty() && names(&c, "HeadBucket").is_empty() && names(&c, "ListObjectsV2").is_empty());
        assert_eq!(c.headers("PutObject").unwrap()[2].1, key.md5_base64());
        assert!(ObjectEncryption::of(&Settings::default(), None).is_none());
    }

    #[test]
    fn sse_c_without_its_key_sends_nothing() {
        let c = enc(Encryption::SseC, "", None);
        assert!(c.headers("PutObject").is_err());
        assert!(c.headers("DeleteObject").unwrap().is_empty());
        assert!(!format!("{c:?}").contains("AAEC"));
    }
}
