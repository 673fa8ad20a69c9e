//! The region, by the provider's rule: `auto`, a known AWS region, the
//! endpoint's own region, or anything.

use super::model::Settings;
use super::problems::Problems;
use crate::provider::{self, ProviderKind, RegionRule};
use crate::report::Code;

pub(super) fn validate_region(p: &mut Problems, s: &Settings) {
    let preset = s.preset();
    let r = s.region.trim();
    if r.is_empty() {
        return; // The preset's default applies.
    }
    if r.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-')) {
        p.error(
            "region",
            Code::RegionFormat,
            format!("\"{r}\" is not a region code."),
            "Region codes look like `eu-west-1`; use the code, not the display name.",
        );
        return;
    }
    match preset.region {
        RegionRule::Auto => {
            if r != "auto" {
                p.error_fix(
                    "region",
                    Code::RegionNotAuto,
                    format!("{} uses the region `auto`, not `{r}`.", preset.label),
                    "Set the region to `auto`.",
                    "auto".into(),
                );
            }
        }
        RegionRule::AwsList => {
            if r == "auto" {
                p.error_fix(
                    "region",
                    Code::RegionAutoOnAws,
                    "Amazon S3 has no region `auto`.",
                    "Choose the region the bucket was created in.",
                    "us-east-1".into(),
                );
            } else if !preset.regions.contains(&r) {
                let looks_like_az = r.chars().last().is_some_and(|c| c.is_ascii_lowercase()) && preset.regions.contains(&&r[..r.len() - 1]);
                if looks_like_az {
                    p.error_fix(
                        "region",
                        Code::RegionIsZone,
                        format!("`{r}` is an availability zone, not a region."),
                        format!("Use the region `{}`.", &r[..r.len() - 1]),
                        r[..r.len() - 1].to_string(),
                    );
                } else {
                    p.warn(
                        "region",
                        Code::RegionUnknown,
                        format!("`{r}` is not a region Chute knows for Amazon S3."),
                        "Check the region in the S3 console (bucket → Properties).",
                    );
                }
            }
        }
        RegionRule::MatchesEndpoint => {
            let endpoint_region = s.effective_endpoint().and_then(|e| provider::b2_region_from_endpoint(&e));
            match endpoint_region {
                Some(er) if er != r => p.error_fix(
                    "region",
                    Code::RegionEndpointMismatch,
                    format!("The region `{r}` does not match the endpoint, which is in `{er}`."),
                    "Use the region from the bucket's S3 endpoint (Backblaze: Buckets → Endpoint).",
                    er,
                ),
                _ if !preset.regions.contains(&r) => p.warn(
                    "region",
                    Code::RegionUnknown,
                    format!("`{r}` is not a Backblaze B2 region Chute knows."),
                    "Copy the region from the bucket's S3 endpoint, e.g. us-west-004.",
                ),
                _ => {}
            }
        }
        RegionRule::Any { .. } => {
            if r == "auto" && s.provider == ProviderKind::Minio {
                p.warn_fix(
                    "region",
                    Code::RegionAutoMinio,
                    "MinIO does not use `auto`; the usual region is us-east-1.",
                    "Use the region configured on your MinIO server.",
                    "us-east-1".into(),
                );
            }
        }
    }
}
