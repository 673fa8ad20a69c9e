//! One conformance suite, the same scenarios against every real
//! S3-protocol server the tests run: s3s-fs, moto (with IAM) and Garage.
//! Each scenario is written once over `Server`; every server runs it.

#[path = "../support/mod.rs"]
mod support;

use chute_core::probe::{self, ProbeOptions, StepStatus};
use chute_core::provider::ProviderKind;
use chute_core::s3::capabilities::Capabilities;
use chute_core::s3::Auth;
use chute_core::Settings;
use support::auth::{key, moto_auth, s3s_auth};
use support::garage::{Garage, GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET, GARAGE_REGION};
use support::servers::{Moto, S3sFs};

/// A running server, a bucket on it, and the keys a scenario may use.
trait Server {
    fn name(&self) -> &'static str;
    fn settings(&self, prefix: &str) -> Settings;
    fn auth(&self) -> Auth;
}

struct OnS3sFs(S3sFs);
struct OnMoto(Moto);
struct OnGarage(Garage);

fn base(endpoint: String, bucket: &str, prefix: &str) -> Settings {
    Settings {
        name: "conformance".into(),
        provider: ProviderKind::Custom,
        bucket: bucket.into(),
        endpoint,
        region: "us-east-1".into(),
        prefix: prefix.into(),
        path_style: true,
        ..Settings::default()
    }
    .normalized()
}

impl Server for OnS3sFs {
    fn name(&self) -> &'static str {
        "s3s-fs"
    }
    fn settings(&self, prefix: &str) -> Settings {
        base(self.0.endpoint(), "reports", prefix)
    }
    fn auth(&self) -> Auth {
        s3s_auth()
    }
}

impl Server for OnMoto {
    fn name(&self) -> &'static str {
        "moto"
    }
    fn settings(&self, prefix: &str) -> Settings {
        base(self.0.endpoint(), "reports", prefix)
    }
    fn auth(&self) -> Auth {
        moto_auth(&self.0, "admin")
    }
}

impl Server for OnGarage {
    fn name(&self) -> &'static str {
        "garage"
    }
    fn settings(&self, prefix: &str) -> Settings {
        Settings { region: GARAGE_REGION.into(), ..base(self.0.endpoint(), "reports", prefix) }
    }
    fn auth(&self) -> Auth {
        key(GARAGE_ADMIN_KEY, GARAGE_ADMIN_SECRET)
    }
}

fn measured(server: &dyn Server) -> Capabilities {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let s = server.settings("incoming/");
    let report = rt.block_on(probe::run(&s, Ok(server.auth()), &ProbeOptions::default(), &mut |_| {}));
    let step = report.steps.iter().find(|st| st.id == probe::StepId::Capabilities).expect("the capabilities step ran");
    assert_eq!(step.status, StepStatus::Passed, "{}: {step:?}", server.name());
    report.capabilities.clone().unwrap_or_else(|| panic!("{}: no capabilities in {report:#?}", server.name()))
}

#[test]
fn capability_table() {
    let servers: Vec<Box<dyn Server>> =
        vec![Box::new(OnS3sFs(S3sFs::start())), Box::new(OnMoto(Moto::start())), Box::new(OnGarage(Garage::start()))];
    for s in &servers {
        let c = measured(s.as_ref());
        println!("{:8} {:?} ({})", s.name(), c.conditional_create, c.conditional_answer);
        for o in &c.checksums {
            println!("         {:10} {:?} ({})", o.algorithm.label(), o.support, o.answer);
        }
        println!("         lists uploads {:?}, multipart ETag {:?}", c.lists_uploads, c.multipart_etag);
    }
}
