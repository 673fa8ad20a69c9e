//! The probe as it runs: its settings and options, the steps and findings
//! so far, what the reach step learned (does it speak S3, its clock), and
//! how a step starts, ends, fails or is skipped (each reported as it happens).

use std::time::Instant;

use super::{ProbeEvent, ProbeOptions, StepId, StepResult, StepStatus};
use crate::destination::Settings;
use crate::diagnose::catalogue::{self, Scene};
use crate::diagnose::{Diagnosis, Evidence, Level};
use crate::s3::{self, Answer, Speaks};

pub(super) struct Probe<'a> {
    pub(super) s: &'a Settings,
    pub(super) opts: &'a ProbeOptions,
    on_event: &'a mut (dyn FnMut(ProbeEvent) + Send),
    pub(super) steps: Vec<StepResult>,
    pub(super) findings: Vec<Diagnosis>,
    base: Evidence,
    /// The reach step saw headers only S3-like servers send.
    pub(super) looks_like_s3: Option<bool>,
    pub(super) clock_skew: Option<i64>,
    /// What the capabilities step observed.
    pub(super) capabilities: Option<s3::capabilities::Capabilities>,
}

/// A failed step stops the probe; the diagnosis says why.
pub(super) struct Stop;

impl<'a> Probe<'a> {
    pub(super) fn new(
        s: &'a Settings,
        opts: &'a ProbeOptions,
        on_event: &'a mut (dyn FnMut(ProbeEvent) + Send),
        base: Evidence,
    ) -> Probe<'a> {
        Probe {
            s,
            opts,
            on_event,
            steps: Vec::new(),
            findings: Vec::new(),
            base,
            looks_like_s3: None,
            clock_skew: None,
            capabilities: None,
        }
    }

    /// Every later step's evidence names the proxy requests go through.
    pub(super) fn note_proxy(&mut self, proxy: String) {
        self.base.proxy = Some(proxy);
    }

    /// An S3 answer at `step`, classified and put in words by the catalogue
    /// a delivery uses too.
    pub(super) fn s3_failure(&self, step: StepId, answer: &Answer, anonymous: bool) -> Diagnosis {
        let speaks = if self.looks_like_s3 == Some(true) { Speaks::S3 } else { Speaks::Unknown };
        let failure = s3::classify(answer, speaks);
        let scene = Scene {
            settings: self.s,
            doing: step.label().into(),
            anonymous,
            evidence: self.evidence(step),
            clock_skew_secs: self.clock_skew,
        };
        catalogue::diagnosis(&failure, answer, &scene)
    }

    pub(super) fn evidence(&self, step: StepId) -> Evidence {
        Evidence { step: Some(step.id().into()), ..self.base.clone() }
    }

    pub(super) fn start(&mut self, id: StepId) -> Instant {
        (self.on_event)(ProbeEvent::Step(StepResult {
            id,
            label: id.label().into(),
            status: StepStatus::Running,
            duration_ms: 0,
            detail: String::new(),
        }));
        Instant::now()
    }

    pub(super) fn end(&mut self, id: StepId, t: Instant, status: StepStatus, detail: impl Into<String>) {
        let r = StepResult { id, label: id.label().into(), status, duration_ms: t.elapsed().as_millis() as u64, detail: detail.into() };
        (self.on_event)(ProbeEvent::Step(r.clone()));
        self.steps.push(r);
    }

    pub(super) fn skip(&mut self, id: StepId, detail: &str) {
        let r = StepResult { id, label: id.label().into(), status: StepStatus::Skipped, duration_ms: 0, detail: detail.into() };
        (self.on_event)(ProbeEvent::Step(r.clone()));
        self.steps.push(r);
    }

    /// Record a finding. A later finding with the same code replaces an
    /// earlier one unless it is less severe (it knows more: a status, a code).
    pub(super) fn find(&mut self, d: Diagnosis) {
        let rank = |l: Level| match l {
            Level::Info => 0,
            Level::Warning => 1,
            Level::Error => 2,
        };
        if let Some(i) = self.findings.iter().position(|f| f.code == d.code) {
            if rank(d.level) < rank(self.findings[i].level) {
                return;
            }
            self.findings[i] = d.clone();
        } else {
            self.findings.push(d.clone());
        }
        (self.on_event)(ProbeEvent::Finding(Box::new(d)));
    }

    pub(super) fn fail(&mut self, id: StepId, t: Instant, d: Diagnosis) -> Stop {
        let title = d.title.clone();
        self.find(d);
        self.end(id, t, StepStatus::Failed, title);
        Stop
    }
}
