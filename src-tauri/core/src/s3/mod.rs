//! Everything that speaks S3: building a client from a destination (with
//! its server-side encryption on every request that needs it), the
//! route its requests take (a proxy or straight), where its requests and
//! objects are, listings of a prefix or of a set of keys, presigned
//! links, and the one classifier that turns any S3 or network failure into
//! a typed `Failure`.

pub mod capabilities;
mod client;
mod encryption;
mod failure;
mod follow_up;
pub mod listing;
mod presign;
mod proxy;
mod url;

pub use client::{check_profile, client, Auth, ClientOptions};
pub use encryption::ObjectEncryption;
pub use failure::{classify, expected_region, Answer, Failure, Speaks};
pub use follow_up::with_code;
pub use presign::presign_get;
pub use proxy::{Hop, ProxyRoute};
pub use url::{object_url, request_base, ObjectUrls};
