//! What the probe reports beside its steps: settings that will hurt
//! deliveries even when every step passes, and a bucket region that
//! differs from the destination's.

use super::recorder::Probe;
use super::StepId;
use crate::destination::{self, Context};
use crate::diagnose::{catalogue, Diagnosis, Level};
use crate::provider::ProviderKind;
use crate::report::Code;

/// Settings problems the probe reports even when every step passes.
pub(super) fn settings(p: &mut Probe) {
    let problems = destination::validate(p.s, &Context::default());
    for pr in problems {
        let d = match pr.code {
            Code::PrefixNoTrailingSlash => {
                Diagnosis::new(Code::PrefixNoTrailingSlash, Level::Warning, "The path prefix does not end with /")
                    .happened(pr.message.clone())
                    .cause("Without the slash the prefix is glued to every file name instead of being a folder.")
                    .fix(pr.fix.clone())
            }
            Code::RegionNotAuto => {
                Diagnosis::new(Code::RegionNotAuto, Level::Error, format!("{} needs the region `auto`", p.s.preset().label))
                    .happened(pr.message.clone())
                    .cause("This provider signs requests for the region `auto`; any other region makes signatures fail.")
                    .fix(pr.fix.clone())
            }
            _ => continue,
        };
        let d = match &pr.fix_value {
            Some(v) => d.apply(pr.fix_field.as_deref().unwrap_or(&pr.field), v.clone(), format!("Use `{v}`")),
            None => d,
        };
        p.find(d);
    }
}

/// Flag a bucket region that differs from the destination's; false if it does.
pub(super) fn check_region(p: &mut Probe, step: StepId, bucket_region: &str) -> bool {
    let s = p.s;
    if matches!(s.provider, ProviderKind::R2 | ProviderKind::Tigris) || bucket_region.is_empty() {
        return true;
    }
    let mine = s.effective_region();
    if bucket_region == mine {
        return true;
    }
    // Some servers answer a wrongly-signed region anyway (moto): still the
    // same finding as a refusal, a warning where the provider tolerates it.
    let level = if s.provider == ProviderKind::Aws { Level::Error } else { Level::Warning };
    let how = format!("the server reports `{bucket_region}` in x-amz-bucket-region; the destination says `{mine}`");
    p.find(catalogue::wrong_region(Some(bucket_region), &mine, &how, p.evidence(step)).level(level));
    false
}
