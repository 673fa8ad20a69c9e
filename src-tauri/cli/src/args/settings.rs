//! `chute settings …`: what the app keeps for every delivery, as opposed
//! to one destination's settings.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show, or set, the overall bandwidth limit every delivery and watch shares (e.g. 8MB/s, 500KB/s; `off` removes it).
    #[command(long_about = "Show, or set, the overall bandwidth limit: the most every delivery and watch of Chute \
                      sends per second together (the window, `chute deliver` and `chute watch run` each keep to it). \
                      A destination's own limit (`chute destination edit NAME --bandwidth-limit 2MB/s`) applies too; \
                      the lower wins.\n\n\
                      Rates: 500KB/s, 2MB/s, 2M, 1.5 MiB/s; KB and MB are 1,024-based, as Chute shows speeds \
                      (20Mbit/s and 20Mbps count bits, 1,000-based). At least 10 KB/s; `off` removes the limit.")]
    BandwidthLimit {
        /// The limit to set (checked by the core, as the window's field is); without it, the limit is shown.
        #[arg(value_name = "RATE|off")]
        rate: Option<String>,
    },
}
