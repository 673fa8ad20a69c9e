//! "Pause all" and "Resume all" (the tray): every delivery running in the
//! window and every active watch is paused, and what was paused is noted,
//! so "Resume all" resumes exactly that: a delivery or a watch the person
//! had paused before stays paused, and one paused by "Pause all" that the
//! person resumed meanwhile is left as it is.

use std::sync::{Mutex, MutexGuard};

use chute_core::Chute;

use crate::activity::Activity;
use crate::plans::Plans;

/// What "Pause all" paused (state of the app).
#[derive(Default)]
pub struct PausedAll(Mutex<Option<Paused>>);

/// Plans and watches, by id, that "Pause all" paused.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Paused {
    pub plans: Vec<String>,
    pub watches: Vec<String>,
}

impl PausedAll {
    fn lock(&self) -> MutexGuard<'_, Option<Paused>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether "Pause all" is in force (then the tray offers "Resume all").
    pub fn in_force(&self) -> bool {
        self.lock().is_some()
    }

    /// Pause every running delivery and every active watch; what it paused.
    pub fn pause_all(&self, activity: &Activity, plans: &Plans, core: Option<&Chute>) -> Paused {
        let mut paused = Paused::default();
        for id in activity.running() {
            if let Ok(kept) = plans.get(&id) {
                if !kept.control.is_paused() {
                    kept.control.pause(true);
                    paused.plans.push(id);
                }
            }
        }
        if let Some(core) = core {
            for w in core.watches().unwrap_or_default().into_iter().filter(|w| !w.settings.paused) {
                match core.set_watch_paused(&w.id, true) {
                    Ok(_) => paused.watches.push(w.id),
                    Err(e) => eprintln!("chute: could not pause the watch “{}”: {}", w.settings.name, e.reply().info.message),
                }
            }
        }
        *self.lock() = Some(paused.clone());
        paused
    }

    /// Resume what "Pause all" paused, and only that; what it resumed.
    pub fn resume_all(&self, plans: &Plans, core: Option<&Chute>) -> Paused {
        let Some(paused) = self.lock().take() else { return Paused::default() };
        let mut resumed = Paused::default();
        for id in paused.plans {
            if let Ok(kept) = plans.get(&id) {
                if kept.control.is_paused() {
                    kept.control.pause(false);
                    resumed.plans.push(id);
                }
            }
        }
        if let Some(core) = core {
            for id in paused.watches {
                let still_paused = core.get_watch(&id).is_ok_and(|w| w.settings.paused);
                if still_paused && core.set_watch_paused(&id, false).is_ok() {
                    resumed.watches.push(id);
                }
            }
        }
        resumed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chute_core::{Plan, Settings};

    fn running(plans: &Plans, activity: &Activity) -> String {
        let id = plans.keep("dest".into(), Plan::default(), &Settings::default(), None).plan_id;
        activity.started(&id, 1, 1);
        id
    }

    fn is_paused(plans: &Plans, id: &str) -> bool {
        plans.get(id).unwrap().control.is_paused()
    }

    #[test]
    fn resume_all_resumes_exactly_what_pause_all_paused() {
        let (plans, activity, all) = (Plans::default(), Activity::default(), PausedAll::default());
        let (a, b, c) = (running(&plans, &activity), running(&plans, &activity), running(&plans, &activity));
        plans.get(&b).unwrap().control.pause(true);
        assert!(!all.in_force());

        let paused = all.pause_all(&activity, &plans, None);
        assert_eq!(paused.plans.len(), 2, "the two running, not the one paused already: {paused:?}");
        assert!(all.in_force());
        assert!([&a, &b, &c].iter().all(|id| is_paused(&plans, id)));

        // The person resumes one by hand meanwhile: left as it is.
        plans.get(&c).unwrap().control.pause(false);
        let resumed = all.resume_all(&plans, None);
        assert_eq!(resumed.plans, vec![a.clone()]);
        assert!(!is_paused(&plans, &a));
        assert!(is_paused(&plans, &b), "paused before Pause all: stays paused");
        assert!(!is_paused(&plans, &c));
        assert!(!all.in_force());
        assert_eq!(all.resume_all(&plans, None), Paused::default(), "nothing more to resume");
    }
}
