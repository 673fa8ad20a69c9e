//! The person's choices about the app itself, kept in the database so
//! every window (and the next one) follows them: which desktop
//! notifications Chute sends, and what closing the window on active
//! watches does once answered for good.

use serde::{Deserialize, Serialize};

use super::{Chute, Result};

/// Which events tell the person with a desktop notification: failures of
/// automatic deliveries (watched folders) and the end of a long delivery
/// from the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notifications {
    Off,
    /// A file a watch could not deliver (retried or given up), a folder
    /// that cannot be watched, a long delivery that did not deliver everything.
    #[default]
    Errors,
    /// Every delivery of a watch and the end of every long delivery too.
    Every,
}

/// What closing the window while it runs active watches does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseAnswer {
    /// The window hides; Chute stays in the tray and goes on running the watches.
    KeepInTray,
    /// The headless agent (`chute watch run`) takes the watches over, then the app quits.
    KeepDelivering,
    /// The app quits; the watches wait for the next runner.
    StopWatching,
}

/// Stored under the name it had when only watches notified, so the choice made then holds.
const NOTIFICATIONS_KEY: &str = "watch_notifications";
const CLOSE_ANSWER_KEY: &str = "close_with_active_watches";

fn word<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn read<T: serde::de::DeserializeOwned>(stored: Option<String>) -> Option<T> {
    stored.and_then(|v| serde_json::from_value(serde_json::Value::String(v)).ok())
}

impl Chute {
    /// Which events notify (errors only unless chosen otherwise).
    pub fn notifications(&self) -> Result<Notifications> {
        Ok(read(self.store().app_setting(NOTIFICATIONS_KEY)?).unwrap_or_default())
    }

    pub fn set_notifications(&self, n: Notifications) -> Result<()> {
        Ok(self.store().set_app_setting(NOTIFICATIONS_KEY, &word(n))?)
    }

    /// The answer given for good to closing the window on active watches; `None`: ask.
    pub fn close_answer(&self) -> Result<Option<CloseAnswer>> {
        Ok(read(self.store().app_setting(CLOSE_ANSWER_KEY)?))
    }

    /// Remember `answer` (`None`: ask again next time).
    pub fn set_close_answer(&self, answer: Option<CloseAnswer>) -> Result<()> {
        match answer {
            Some(a) => self.store().set_app_setting(CLOSE_ANSWER_KEY, &word(a))?,
            None => crate::store::clear_app_setting(self.store().conn(), CLOSE_ANSWER_KEY)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &std::path::Path) -> Chute {
        Chute::open_with(dir, crate::secret::SecretStore::platform()).unwrap()
    }

    #[test]
    fn the_notification_choice_is_kept_and_errors_only_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let chute = open(dir.path());
        assert_eq!(chute.notifications().unwrap(), Notifications::Errors);
        chute.set_notifications(Notifications::Every).unwrap();
        drop(chute);
        assert_eq!(open(dir.path()).notifications().unwrap(), Notifications::Every);
    }

    #[test]
    fn a_choice_stored_when_only_watches_notified_still_holds() {
        let dir = tempfile::tempdir().unwrap();
        let chute = open(dir.path());
        chute.store().set_app_setting("watch_notifications", "off").unwrap();
        assert_eq!(chute.notifications().unwrap(), Notifications::Off);
    }

    #[test]
    fn the_close_answer_is_remembered_until_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let chute = open(dir.path());
        assert_eq!(chute.close_answer().unwrap(), None, "asks by default");
        chute.set_close_answer(Some(CloseAnswer::KeepInTray)).unwrap();
        drop(chute);
        let chute = open(dir.path());
        assert_eq!(chute.close_answer().unwrap(), Some(CloseAnswer::KeepInTray));
        chute.set_close_answer(None).unwrap();
        assert_eq!(chute.close_answer().unwrap(), None);
    }
}
