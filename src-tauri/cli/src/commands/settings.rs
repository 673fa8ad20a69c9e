//! `chute settings …`: the overall bandwidth limit, shown or set.

use std::process::ExitCode;

use serde_json::json;

use chute_core::Chute;

use chute_core::UserError;

use crate::args::SettingsCommand;
use crate::output::{Failure, Out, EXIT_INVALID};
use crate::text::format::rate;

pub fn settings_cmd(chute: &Chute, cmd: &SettingsCommand, out: &Out) -> Result<ExitCode, Failure> {
    match cmd {
        SettingsCommand::BandwidthLimit { rate: wanted } => {
            let limit = match wanted {
                // Refused in the core's words, as invalid input.
                Some(text) => chute.set_bandwidth_limit(text).map_err(|e| Failure::from_info(EXIT_INVALID, e.info()))?,
                None => chute.bandwidth_limit()?,
            };
            out.result(&json!({ "bandwidth_limit": limit }), || match limit {
                Some(r) => format!(
                    "Overall bandwidth limit: {} (every delivery and watch of Chute together; a destination's own limit applies too, the lower wins).\n",
                    rate(r)
                ),
                None => "No overall bandwidth limit: deliveries go at full speed, unless their destination has a limit of its own.\n".into(),
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
