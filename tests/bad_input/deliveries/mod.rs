//! Table 2: deliveries. Each row drops a folder (or paths) whose good files
//! must land and whose bad ones must be refused, fail or be left out alone.
//! `case` says what a row is, `check` runs one and checks what became of it.

mod case;
mod check;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;

use crate::support::content::{content, write, MIB};
use crate::support::servers::{Moto, S3sFs};
use case::{case, deep_relpath, drop_dir, in_drop, lands, put, DeliveryCase, During, Fate, Fixture};
use check::run_delivery_table;

fn delivery_cases() -> Vec<DeliveryCase> {
    vec![
        case("control_char_bell_in_name", "a file named `bell\\x07.txt` among good files", "key_control_chars", |root, _| {
            let bad = put(root, b"bell\x07.txt", b"bell");
            in_drop(
                root,
                vec![
                    lands(root, "a.txt", b"good a"),
                    Fate::Refused { path: bad, code: "key_control_chars", message: "control character (U+0007)", fix: "Rename the file" },
                    lands(root, "z.txt", b"good z"),
                ],
            )
        }),
        case("newline_in_name", "a file named `line\\nbreak.csv` among good files", "key_control_chars", |root, _| {
            let bad = put(root, b"line\nbreak.csv", b"1,2\n");
            in_drop(
                root,
                vec![
                    lands(root, "sub/b.csv", b"b\n"),
                    Fate::Refused {
                        path: bad,
                        code: "key_control_chars",
                        message: "control character (U+000A)",
                        fix: "so the key has no control characters",
                    },
                ],
            )
        }),
        DeliveryCase {
            prefix: Some("rows/prefix_without_trailing_slash/incoming"),
            warning: Some(("prefix_no_trailing_slash", "`rows/prefix_without_trailing_slash/incomingreport.csv`")),
            ..case(
                "prefix_without_trailing_slash",
                "prefix `…/incoming` (no trailing `/`): a warning, and keys as it says",
                "prefix_no_trailing_slash",
                |root, _| in_drop(root, vec![lands(root, "report.csv", b"id\n1\n")]),
            )
        },
        DeliveryCase {
            extra: &["--concurrency", "1"],
            during: During::DeleteAfterPlan("z-gone.txt"),
            ..case(
                "file_vanishes_after_plan",
                "z-gone.txt is deleted after the plan is printed, while a 24 MiB file uploads",
                "source_missing",
                |root, _| {
                    put(root, b"z-gone.txt", b"gone");
                    in_drop(
                        root,
                        vec![
                            lands(root, "a-first.bin", &content(1, 24 * MIB)),
                            lands(root, "b-kept.txt", b"kept"),
                            Fate::Fails {
                                key: "z-gone.txt".into(),
                                code: "source_missing",
                                message: "was moved or deleted after the preview",
                                fix: "Drop the file again.",
                            },
                        ],
                    )
                },
            )
        },
        DeliveryCase {
            extra: &["--multipart-threshold", "5MiB", "--part-size", "5MiB", "--concurrency", "1"],
            during: During::GrowDuringUpload("m-growing.bin"),
            ..case(
                "file_grows_during_multipart",
                "a writer appends to a 40 MiB file while its 5 MiB parts upload",
                "source_changed",
                |root, _| {
                    put(root, b"m-growing.bin", &content(2, 40 * MIB));
                    in_drop(
                        root,
                        vec![
                            lands(root, "a-first.txt", b"first"),
                            Fate::Fails {
                                key: "m-growing.bin".into(),
                                code: "source_changed",
                                message: "changed while it was being delivered (41943040 → ",
                                fix: "Let whatever writes the file finish",
                            },
                            lands(root, "z-last.txt", b"last"),
                        ],
                    )
                },
            )
        },
        DeliveryCase {
            needs_bits: true,
            ..case("file_unreadable_chmod_000", "b-locked.txt has mode 000", "source_unreadable", |root, _| {
                let locked = put(root, b"b-locked.txt", b"locked");
                std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
                in_drop(
                    root,
                    vec![
                        lands(root, "a.txt", b"a"),
                        Fate::Fails {
                            key: "b-locked.txt".into(),
                            code: "source_unreadable",
                            message: "Permission denied",
                            fix: "Check the file",
                        },
                        lands(root, "c.txt", b"c"),
                    ],
                )
            })
        },
        case(
            "symlink_loop_in_folder",
            "sub/up -> .. (a loop to an ancestor) and x1 -> x2 -> x1 inside the dropped folder",
            "excluded",
            |root, _| {
                let d = drop_dir(root);
                let fates = vec![lands(root, "a.txt", b"a"), lands(root, "sub/b.txt", b"b")];
                std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
                std::os::unix::fs::symlink("x2", d.join("x1")).unwrap();
                std::os::unix::fs::symlink("x1", d.join("x2")).unwrap();
                let mut fates = fates;
                for p in ["sub/up", "x1", "x2"] {
                    fates.push(Fate::Excluded { path: d.join(p), reason: "symbolic link (not followed" });
                }
                in_drop(root, fates)
            },
        ),
        case("non_utf8_file_name", "a file named b\"bad\\xff.txt\" among good files", "name_not_utf8", |root, _| {
            let bad = put(root, b"bad\xff.txt", b"bad");
            in_drop(
                root,
                vec![
                    lands(root, "a.txt", b"a"),
                    Fate::Refused {
                        path: bad,
                        code: "name_not_utf8",
                        message: "is not valid UTF-8",
                        fix: "Rename the file (or folder) to a name in UTF-8.",
                    },
                ],
            )
        }),
        case("non_utf8_parent_folder", "a second dropped folder inside a folder named b\"odd\\xfe\"", "name_not_utf8", |root, _| {
            let odd = root.join(OsStr::from_bytes(b"odd\xfe")).join("more");
            write(&odd, "b.txt", b"b");
            Fixture {
                paths: vec![drop_dir(root), odd.clone()],
                fates: vec![
                    lands(root, "a.txt", b"a"),
                    Fate::Refused {
                        path: odd.join("b.txt"),
                        code: "name_not_utf8",
                        message: "is in a folder whose name is not valid UTF-8",
                        fix: "Rename the folder",
                    },
                ],
            }
        }),
        case("zero_byte_files", "empty files (one in a subfolder) next to a 1-byte one", "delivered", |root, _| {
            in_drop(root, vec![lands(root, "empty.txt", b""), lands(root, "sub/also-empty", b""), lands(root, "one.txt", b"1")])
        }),
        DeliveryCase {
            // Keys are NFC, so no key template keeps the two apart: one must be renamed.
            refused: Some(("key_collision", "differ only in their Unicode form", "Rename one of the files")),
            ..case("nfc_nfd_twins", "`caf\\u{e9}.txt` and `cafe\\u{301}.txt` in one folder", "key_collision", |root, _| {
                put(root, "caf\u{e9}.txt".as_bytes(), b"nfc");
                put(root, "cafe\u{301}.txt".as_bytes(), b"nfd");
                put(root, b"other.txt", b"other");
                in_drop(root, vec![])
            })
        },
        case("missing_path_among_good", "a path that does not exist, dropped with a good folder", "not_found", |root, _| {
            let missing = root.join("does-not-exist.csv");
            Fixture {
                paths: vec![drop_dir(root), missing.clone()],
                fates: vec![
                    lands(root, "a.txt", b"a"),
                    Fate::Refused {
                        path: missing,
                        code: "not_found",
                        message: "No such file or directory",
                        fix: "was moved or deleted; drop it again",
                    },
                ],
            }
        }),
        case("fifo_in_folder", "a named pipe inside the dropped folder", "excluded", |root, _| {
            let fates = vec![lands(root, "a.txt", b"a")];
            let pipe = drop_dir(root).join("pipe");
            let c = std::ffi::CString::new(pipe.as_os_str().as_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
            let mut fates = fates;
            fates.push(Fate::Excluded { path: pipe, reason: "not a regular file" });
            in_drop(root, fates)
        }),
        DeliveryCase {
            // The refusal names the cause, not "could not be read".
            refused: Some(("nothing_to_deliver", "was refused: the key would contain a control character (U+0007)", "Rename the file")),
            ..case(
                "only_unplannable_files",
                "a folder whose only file has a control character in its name",
                "nothing_to_deliver",
                |root, _| {
                    let bad = put(root, b"only\x07.txt", b"x");
                    in_drop(
                        root,
                        vec![Fate::Refused {
                            path: bad,
                            code: "key_control_chars",
                            message: "control character (U+0007)",
                            fix: "Rename the file",
                        }],
                    )
                },
            )
        },
        DeliveryCase {
            stored_template: Some("{prefix}x/../{name}"),
            refused: Some(("nothing_to_deliver", "the destination's key template is not valid", "correct its key template")),
            ..case(
                "stored_template_with_dot_dot",
                "a destination saved before templates with `..` folders were refused: never a silent fallback",
                "template_invalid",
                |root, _| {
                    in_drop(
                        root,
                        vec![Fate::Refused {
                            path: drop_dir(root),
                            code: "template_invalid",
                            message: "a `..` folder cannot be part of a key",
                            fix: "correct its key template",
                        }],
                    )
                },
            )
        },
    ]
}

#[test]
fn delivery_rows() {
    let fs = S3sFs::start();
    run_delivery_table(&fs, delivery_cases(), "deliveries (s3s-fs)");
}

/// s3s-fs cannot store keys longer than about 160 bytes (it names a
/// metadata file after the key), so the 1,024-byte rows run on moto.
fn key_length_cases() -> Vec<DeliveryCase> {
    vec![
        case("key_over_1024_bytes", "folders and a name making prefix + relpath 1,025 bytes", "key_too_long", |root, prefix| {
            let rel = deep_relpath(1025 - prefix.len());
            let bad = put(root, rel.as_bytes(), b"too long");
            in_drop(
                root,
                vec![
                    lands(root, "ok.txt", b"ok"),
                    Fate::Refused {
                        path: bad,
                        code: "key_too_long",
                        message: "The key would be 1025 bytes; S3 allows 1024.",
                        fix: "Shorten the prefix, the folder names or the file name.",
                    },
                ],
            )
        }),
        case("key_exactly_1024_bytes", "folders and a name making prefix + relpath exactly 1,024 bytes", "delivered", |root, prefix| {
            let rel = deep_relpath(1024 - prefix.len());
            in_drop(root, vec![lands(root, &rel, b"exactly 1024"), lands(root, "ok.txt", b"ok")])
        }),
    ]
}

#[test]
fn key_length_rows() {
    let moto = Moto::start();
    run_delivery_table(&moto, key_length_cases(), "key length (moto)");
}

fn ten_thousand() -> DeliveryCase {
    case("ten_thousand_small_files", "a folder of 10,000 tiny files in 100 subfolders", "delivered", |root, _| {
        let fates = (0..10_000).map(|i| lands(root, &format!("d{:02}/f{i:05}.txt", i % 100), format!("{i}\n").as_bytes())).collect();
        in_drop(root, fates)
    })
}

#[test]
fn ten_thousand_small_files() {
    let fs = S3sFs::start();
    run_delivery_table(&fs, vec![ten_thousand()], "10,000 files (s3s-fs)");
}
