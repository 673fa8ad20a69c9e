//! Plans kept by id while the window previews, sends and retries them, so
//! a 100,000-file preview is paged, never shipped whole. A kept plan is
//! either files to send or the rest of an interrupted batch; either runs
//! as one core job, with the control the window pauses and cancels it by.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chute_core::{Code, Collision, Control, Excluded, Job, Origin, Overwrite, Plan, PlanProblem, PlannedFile, Settings, TransferOptions};
use serde::Serialize;

use crate::ipc::{bad_argument, refusal, Reply};

/// Rows a preview carries; the rest come through `plan_page`.
const PREVIEW_ROWS: usize = 200;

#[derive(Clone)]
pub(crate) struct KeptPlan {
    pub destination_id: String,
    pub plan: Arc<Plan>,
    /// The interrupted batch this plan continues, when it does.
    pub resumes: Option<String>,
    /// The drop this plan is one destination of, when it goes to several.
    pub group: Option<String>,
    pub control: Control,
}

impl KeptPlan {
    /// The core job sending this plan: a resume continues its batch (its
    /// journal, its open multipart uploads); anything else is a new batch.
    pub fn job(&self, origin: Origin, overwrite: Option<Overwrite>) -> Job {
        match &self.resumes {
            Some(batch_id) => Job::Resume { batch_id: batch_id.clone() },
            None => Job::Plan {
                destination_id: self.destination_id.clone(),
                plan: self.plan.clone(),
                origin,
                options: TransferOptions { overwrite, group: self.group.clone(), ..TransferOptions::default() },
            },
        }
    }
}

#[derive(Default)]
pub struct Plans(Mutex<HashMap<String, KeptPlan>>);

impl Plans {
    pub(crate) fn get(&self, id: &str) -> Reply<KeptPlan> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned().ok_or_else(|| {
            refusal(Code::PlanNotFound, "This preview is no longer available.", "Drop the files again to make a new preview.")
        })
    }

    /// Keep a plan by a new id and return its preview.
    pub(crate) fn keep(&self, destination_id: String, plan: Plan, settings: &Settings, resumes: Option<String>) -> PlanPreview {
        let plan_id = chute_core::new_id();
        let preview = PlanPreview::of(&plan_id, &destination_id, &plan, settings, resumes.as_deref());
        let kept = KeptPlan { destination_id, plan: Arc::new(plan), resumes, group: None, control: Control::default() };
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(plan_id, kept);
        preview
    }

    /// Make kept plans one drop sent to several destinations: a new group
    /// id set on each, so their batches are one group in the history. Only
    /// new deliveries to distinct destinations can be grouped, never a
    /// resume, and never a plan grouped already.
    pub(crate) fn group(&self, ids: &[String]) -> Reply<String> {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut destinations = Vec::new();
        for id in ids {
            let kept = all.get(id).ok_or_else(|| {
                refusal(Code::PlanNotFound, "This preview is no longer available.", "Drop the files again to make a new preview.")
            })?;
            if kept.resumes.is_some() || kept.group.is_some() || destinations.contains(&&kept.destination_id) {
                return Err(bad_argument("plan_ids", "only new deliveries to distinct destinations make one drop"));
            }
            destinations.push(&kept.destination_id);
        }
        let group = chute_core::new_id();
        for id in ids {
            if let Some(k) = all.get_mut(id) {
                k.group = Some(group.clone());
            }
        }
        Ok(group)
    }

    /// A fresh control once a run ends: the plan stays (the window may
    /// retry some of its files) until it is discarded.
    pub(crate) fn ended(&self, id: &str) {
        if let Some(k) = self.0.lock().unwrap_or_else(|p| p.into_inner()).get_mut(id) {
            k.control = Control::default();
        }
    }

    pub(crate) fn discard(&self, id: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}

/// A kept plan as the window previews it.
#[derive(Serialize)]
pub struct PlanPreview {
    pub(crate) plan_id: String,
    destination_id: String,
    /// The interrupted batch this plan continues, when it does.
    resumes: Option<String>,
    files_total: usize,
    total_bytes: u64,
    /// The first rows; the rest through `plan_page`.
    files: Vec<PlannedFile>,
    excluded: Vec<Excluded>,
    problems: Vec<PlanProblem>,
    collisions: Vec<Collision>,
    confirm: bool,
    overwrite: Overwrite,
    /// Files that go multipart with the default options.
    multipart_files: usize,
}

impl PlanPreview {
    fn of(plan_id: &str, destination_id: &str, plan: &Plan, settings: &Settings, resumes: Option<&str>) -> PlanPreview {
        let threshold = TransferOptions::default().multipart_threshold;
        PlanPreview {
            plan_id: plan_id.to_string(),
            destination_id: destination_id.to_string(),
            resumes: resumes.map(str::to_string),
            files_total: plan.files.len(),
            total_bytes: plan.total_bytes,
            files: plan.files.iter().take(PREVIEW_ROWS).cloned().collect(),
            excluded: plan.excluded.clone(),
            problems: plan.problems.clone(),
            collisions: plan.collisions.clone(),
            confirm: settings.confirm_delivery,
            overwrite: settings.overwrite,
            multipart_files: plan.files.iter().filter(|f| f.size >= threshold).count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan::default()
    }

    fn keep(plans: &Plans, destination: &str, resumes: Option<&str>) -> String {
        plans.keep(destination.into(), plan(), &Settings::default(), resumes.map(str::to_string)).plan_id
    }

    fn group_of(job: Job) -> Option<String> {
        match job {
            Job::Plan { options, .. } => options.group,
            Job::Resume { .. } => None,
        }
    }

    #[test]
    fn plans_for_distinct_destinations_become_one_drop_whose_jobs_carry_its_group() {
        let plans = Plans::default();
        let (a, b) = (keep(&plans, "dest-a", None), keep(&plans, "dest-b", None));
        let alone = keep(&plans, "dest-a", None);
        let group = plans.group(&[a.clone(), b.clone()]).unwrap();
        assert_eq!(group.len(), 36, "a new id: {group}");
        for id in [&a, &b] {
            assert_eq!(group_of(plans.get(id).unwrap().job(Origin::Drop, None)), Some(group.clone()));
        }
        assert_eq!(group_of(plans.get(&alone).unwrap().job(Origin::Drop, None)), None, "a plan of no drop has no group");
    }

    #[test]
    fn a_drop_is_never_made_of_one_destination_twice_a_resume_a_grouped_plan_or_an_unknown_one() {
        let plans = Plans::default();
        let (a, a2) = (keep(&plans, "dest-a", None), keep(&plans, "dest-a", None));
        let resume = keep(&plans, "dest-b", Some("batch"));
        let (c, d) = (keep(&plans, "dest-c", None), keep(&plans, "dest-d", None));
        plans.group(&[c.clone(), d]).unwrap();
        let code = |ids: &[&String]| plans.group(&ids.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap_err().info.code;
        assert_eq!(code(&[&a, &a2]), Code::BadArgument);
        assert_eq!(code(&[&a, &resume]), Code::BadArgument);
        assert_eq!(code(&[&a, &c]), Code::BadArgument);
        assert_eq!(code(&[&a, &"00000000-0000-4000-8000-000000000000".to_string()]), Code::PlanNotFound);
        assert_eq!(group_of(plans.get(&a).unwrap().job(Origin::Drop, None)), None, "a refused drop groups nothing");
    }
}
