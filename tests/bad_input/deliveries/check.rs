//! Running one delivery row against one server: deliver the row's paths
//! (doing what it does meanwhile), then check the plan, the refusal or the
//! summary, every file's fate in the bucket and in the history, and that
//! nothing else is in the bucket and no multipart upload is left open.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::case::{drop_dir, DeliveryCase, During, Fate, Fixture};
use crate::support::servers::S3S_SECRET;
use crate::support::world::*;
use crate::{chute, dac, entry_for, os, run_rows, text, Bucket, Dac, Row, RowEnd};

/// One table of deliveries against one server, in one world.
struct Deliveries<'a> {
    w: World,
    bucket: &'a dyn Bucket,
    src: tempfile::TempDir,
    /// Everything the bucket must hold: what was there, plus what every row landed.
    landed: std::cell::RefCell<BTreeMap<String, Vec<u8>>>,
    bits: Dac,
}

impl<'a> Deliveries<'a> {
    fn new(bucket: &'a dyn Bucket) -> Deliveries<'a> {
        let w = world();
        let (config, credentials) = bucket.aws_files();
        w.write(&w.aws_config(), &config);
        w.write(&w.aws_credentials(), &credentials);
        let landed = std::cell::RefCell::new(bucket.objects());
        Deliveries { w, bucket, src: tempfile::tempdir().unwrap(), landed, bits: dac() }
    }

    fn batches(&self) -> usize {
        self.w.json(&["history", "list"], None).ok().json().as_array().unwrap().len()
    }

    /// Deliver the row's paths, doing the row's `during` meanwhile.
    fn deliver(&self, c: &DeliveryCase, fx: &Fixture, root: &Path) -> Run {
        let mut a = vec![os("--json"), os("deliver"), os(c.id)];
        a.extend(fx.paths.iter().map(|p| p.as_os_str().to_os_string()));
        a.push(os("--yes"));
        a.extend(c.extra.iter().map(|x| os(x)));
        let mut cmd = chute(&self.w, &a, &self.bits, c.needs_bits);
        let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run chute");
        let stderr = child.stderr.take().unwrap();
        let errors = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut s);
            s
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut stdout = String::new();
        match c.during {
            During::Nothing => {
                out.read_to_string(&mut stdout).unwrap();
            }
            During::DeleteAfterPlan(name) => {
                out.read_line(&mut stdout).unwrap();
                assert!(stdout.contains("\"event\":\"plan\""), "the first line is the plan: {stdout}");
                std::fs::remove_file(drop_dir(root).join(name)).unwrap();
                out.read_to_string(&mut stdout).unwrap();
            }
            During::GrowDuringUpload(name) => {
                let reader = std::thread::spawn(move || {
                    let mut s = String::new();
                    out.read_to_string(&mut s).unwrap();
                    s
                });
                assert!(self.bucket.visible_uploads().is_some(), "a server whose open uploads are visible");
                let path = drop_dir(root).join(name);
                let deadline = Instant::now() + Duration::from_secs(60);
                let mut appended = 0;
                while child.try_wait().unwrap().is_none() {
                    if appended > 0 || !self.bucket.visible_uploads().unwrap_or_default().is_empty() {
                        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
                        f.write_all(&[b'+'; 4096]).unwrap();
                        appended += 1;
                    }
                    assert!(Instant::now() < deadline, "the delivery did not end in time");
                    std::thread::sleep(Duration::from_millis(if appended > 0 { 2 } else { 1 }));
                }
                stdout = reader.join().unwrap();
                assert!(appended > 0, "the multipart upload was never seen open, so the file did not grow during it:\n{stdout}");
            }
        }
        let status = child.wait().unwrap();
        let r = Run { code: status.code().expect("chute exited by a signal"), stdout, stderr: errors.join().unwrap() };
        self.w.outputs.borrow_mut().push((format!("{a:?}"), format!("{}\n{}", r.stdout, r.stderr)));
        r
    }

    fn row(&self, c: &DeliveryCase) -> RowEnd {
        if c.needs_bits {
            if let Dac::Unavailable(why) = &self.bits {
                return RowEnd::Skipped(why.clone());
            }
        }
        let w = &self.w;
        let prefix = c.prefix.map(str::to_string).unwrap_or_else(|| format!("rows/{}/", c.id));
        let root = self.src.path().join(c.id);
        std::fs::create_dir_all(drop_dir(&root)).unwrap();
        let fx = (c.setup)(&root, &prefix);

        // The destination, named after the row.
        let mut add: Vec<String> = ["destination", "add", "--name", c.id].map(String::from).to_vec();
        add.extend(self.bucket.add_flags());
        add.extend([format!("--prefix={prefix}"), format!("--key-template={}", c.template)]);
        let add: Vec<&str> = add.iter().map(String::as_str).collect();
        let saved = w.json(&add, None).ok().json();
        if let Some((code, message)) = c.warning {
            let warning = saved["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["code"] == code)
                .unwrap_or_else(|| panic!("no {code} warning: {saved:#}"));
            assert!(text(&warning["message"]).contains(message), "{warning:#}");
            assert!(!text(&warning["fix"]).is_empty(), "{warning:#}");
        }
        if let Some(t) = c.stored_template {
            let db = rusqlite::Connection::open(w.data.join("chute.db")).unwrap();
            let id = text(&saved["destination"]["id"]).to_string();
            let settings: String = db.query_row("SELECT settings FROM destinations WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
            let mut v: Value = serde_json::from_str(&settings).unwrap();
            v["key_template"] = Value::from(t);
            db.execute("UPDATE destinations SET settings = ?1 WHERE id = ?2", [v.to_string(), id]).unwrap();
        }
        let batches_before = self.batches();

        let r = self.deliver(c, &fx, &root);
        let ls = lines(&r);
        let plan = &ls[0];
        assert_eq!(plan["event"], "plan", "the plan comes first: {plan:#}");
        let mut codes_seen: Vec<String> = c.warning.iter().map(|(code, _)| code.to_string()).collect();

        // What the plan says of each file refused or left out.
        let lossy = |p: &Path| p.to_string_lossy().into_owned();
        for fate in &fx.fates {
            match fate {
                Fate::Refused { path, code, message, fix } => {
                    let p = entry_for(&plan["problems"], "path", path, "among the plan's problems", plan);
                    assert_eq!(p["code"], *code, "{p:#}");
                    assert!(text(&p["message"]).contains(message), "{p:#} lacks {message:?}");
                    assert!(text(&p["fix"]).contains(fix), "{p:#} lacks {fix:?}");
                    codes_seen.push(code.to_string());
                }
                Fate::Excluded { path, reason } => {
                    let e = entry_for(&plan["excluded"], "path", path, "excluded", plan);
                    assert!(text(&e["reason"]).contains(reason), "{e:#} lacks {reason:?}");
                    codes_seen.push("excluded".into());
                }
                Fate::Lands(..) | Fate::Fails { .. } => {}
            }
        }
        let planned_keys: Vec<&str> = plan["files"].as_array().unwrap().iter().map(|f| text(&f["key"])).collect();
        for fate in &fx.fates {
            let key = match fate {
                Fate::Lands(k, _) | Fate::Fails { key: k, .. } => format!("{prefix}{k}"),
                _ => continue,
            };
            assert!(planned_keys.contains(&key.as_str()), "{key} was not planned: {planned_keys:?}");
        }

        let mine: BTreeMap<String, Vec<u8>> = self.bucket.objects().into_iter().filter(|(k, _)| k.starts_with(&prefix)).collect();
        if let Some((code, message, fix)) = c.refused {
            // Refused as a whole: exit 2, nothing sent, no batch recorded.
            assert_eq!(r.code, 2, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
            let e = &ls.last().unwrap()["error"];
            assert_eq!(e["code"], code, "{e:#}");
            assert!(text(&e["message"]).contains(message), "the message lacks {message:?}: {e:#}");
            assert!(text(&e["fix"]).contains(fix), "the fix lacks {fix:?}: {e:#}");
            codes_seen.push(text(&e["code"]).to_string());
            assert!(mine.is_empty(), "nothing is sent: {:?}", mine.keys().collect::<Vec<_>>());
            assert_eq!(self.batches(), batches_before, "a refused delivery records no batch");
        } else {
            let refused = fx.fates.iter().filter(|f| matches!(f, Fate::Refused { .. })).count();
            let fails = fx.fates.iter().filter(|f| matches!(f, Fate::Fails { .. })).count();
            let delivered = fx.fates.iter().filter(|f| matches!(f, Fate::Lands(..))).count();
            let exit = if refused + fails > 0 { 1 } else { 0 };
            assert_eq!(r.code, exit, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
            let summary = ls.last().unwrap();
            assert_eq!(summary["event"], "summary", "{summary:#}");
            assert_eq!(
                (summary["delivered"].as_u64(), summary["failed"].as_u64(), summary["not_planned"].as_u64()),
                (Some(delivered as u64), Some(fails as u64), Some(refused as u64)),
                "{summary:#}"
            );
            let events: HashMap<&str, &Value> = ls.iter().filter(|l| l["event"] == "file").map(|f| (text(&f["key"]), f)).collect();
            assert_eq!(events.len(), delivered + fails, "one file event per planned file");
            for fate in &fx.fates {
                match fate {
                    Fate::Lands(k, _) => {
                        let f = events[format!("{prefix}{k}").as_str()];
                        assert_eq!(f["status"], "delivered", "{f:#}");
                        codes_seen.push("delivered".into());
                    }
                    Fate::Fails { key, code, message, fix } => {
                        let f = events[format!("{prefix}{key}").as_str()];
                        assert_eq!(f["status"], "failed", "{f:#}");
                        assert_eq!(f["error"]["code"], *code, "{f:#}");
                        assert!(text(&f["error"]["message"]).contains(message), "{f:#} lacks {message:?}");
                        assert!(text(&f["error"]["fix"]).contains(fix), "{f:#} lacks {fix:?}");
                        codes_seen.push(code.to_string());
                    }
                    _ => {}
                }
            }

            // Exactly the good files, byte for byte, under their keys.
            let want: BTreeMap<String, Vec<u8>> = fx
                .fates
                .iter()
                .filter_map(|f| if let Fate::Lands(k, b) = f { Some((format!("{prefix}{k}"), b.clone())) } else { None })
                .collect();
            assert_eq!(mine.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "the keys under {prefix}");
            for (k, v) in &want {
                assert!(mine[k] == *v, "{k}: the stored bytes differ from the source ({} vs {} bytes)", mine[k].len(), v.len());
            }
            self.landed.borrow_mut().extend(want);

            // The history: what was given, each file's real status, what was left out and why.
            let id = text(&summary["batch_id"]).to_string();
            assert!(!id.is_empty(), "{summary:#}");
            let show = w.json(&["history", "show", &id], None).ok().json();
            let given: Vec<&str> = show["sources"].as_array().unwrap().iter().map(|s| text(&s["path"])).collect();
            let dropped: Vec<String> = fx.paths.iter().map(|p| lossy(p)).collect();
            assert_eq!(given, dropped, "the sources recorded are the paths given: {show:#}");
            let rows = show["files"].as_array().unwrap();
            let by_key: HashMap<&str, &Value> = rows.iter().map(|f| (text(&f["key"]), f)).collect();
            for fate in &fx.fates {
                match fate {
                    Fate::Lands(k, b) => {
                        let f =
                            by_key.get(format!("{prefix}{k}").as_str()).unwrap_or_else(|| panic!("{k} is not in the history: {show:#}"));
                        assert_eq!((f["status"].as_str(), f["size"].as_u64()), (Some("delivered"), Some(b.len() as u64)), "{f:#}");
                    }
                    Fate::Fails { key, code, .. } => {
                        let f = by_key
                            .get(format!("{prefix}{key}").as_str())
                            .unwrap_or_else(|| panic!("{key} is not in the history: {show:#}"));
                        assert_eq!((f["status"].as_str(), f["error_code"].as_str()), (Some("failed"), Some(*code)), "{f:#}");
                        assert!(!text(&f["error_fix"]).is_empty(), "{f:#}");
                    }
                    Fate::Refused { path, code, message, fix } => {
                        let f = entry_for(&show["files"], "source", path, "in the history's files (refused at plan time)", &show);
                        assert_eq!((f["status"].as_str(), f["error_code"].as_str()), (Some("refused"), Some(*code)), "{f:#}");
                        assert!(text(&f["error_message"]).contains(message) && text(&f["error_fix"]).contains(fix), "{f:#}");
                    }
                    Fate::Excluded { path, reason } => {
                        let e = entry_for(&show["excluded"], "path", path, "among the history's left-out paths", &show);
                        assert!(text(&e["reason"]).contains(reason), "{e:#}");
                    }
                }
            }
            let outcome = match (delivered, fails + refused) {
                (_, 0) => "delivered",
                (0, _) => "failed",
                _ => "partial",
            };
            let b = &show["batch"];
            assert_eq!(b["outcome"], outcome, "a file refused at plan time was not delivered: {b:#}");
            assert_eq!(rows.len(), delivered + fails + refused, "{show:#}");
            assert_eq!((b["files_total"].as_u64(), b["refused"].as_u64()), (Some(rows.len() as u64), Some(refused as u64)), "{b:#}");
        }
        assert!(codes_seen.iter().any(|s| s == c.code), "the row's code {} was not seen (saw {codes_seen:?})", c.code);

        // Nothing else anywhere in the bucket, and no multipart upload left open.
        let all = self.bucket.objects();
        let landed = self.landed.borrow();
        assert_eq!(all.keys().collect::<Vec<_>>(), landed.keys().collect::<Vec<_>>(), "the bucket holds exactly what the rows delivered");
        assert_eq!(self.bucket.open_uploads(), 0, "a multipart upload was left open");
        RowEnd::Passed
    }
}

pub(super) fn run_delivery_table(bucket: &dyn Bucket, cases: Vec<DeliveryCase>, table: &str) {
    let d = Deliveries::new(bucket);
    let rows = cases.iter().map(|c| Row { id: c.id, input: c.input.into(), run: Box::new(|| d.row(c)) }).collect();
    let failed = run_rows(rows, table);
    d.w.assert_nowhere(S3S_SECRET);
    assert!(failed.is_empty(), "rows failed: {failed:?}");
}
