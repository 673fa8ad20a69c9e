//! The whole schema, one migration per version, in order. Append only;
//! never edit a migration that has shipped: `PRAGMA user_version` counts how
//! many have run, and a database from a newer Chute is refused untouched.

/// Each entry moves the schema one version up. Append only; never edit.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: destinations
    "CREATE TABLE destinations (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        provider    TEXT NOT NULL,
        bucket      TEXT NOT NULL,
        settings    TEXT NOT NULL,   -- JSON of Settings; never a secret
        credentials TEXT NOT NULL,   -- JSON of CredentialSource; never a secret
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
     );
     CREATE UNIQUE INDEX destinations_name ON destinations(name COLLATE NOCASE);",
    // 2: connection tests (destination_id is NULL for a form not saved yet)
    "CREATE TABLE probes (
        id             INTEGER PRIMARY KEY,
        destination_id TEXT,
        started_at     INTEGER NOT NULL,
        duration_ms    INTEGER NOT NULL,
        outcome        TEXT NOT NULL,
        report         TEXT NOT NULL     -- JSON of ProbeReport; never a secret
     );
     CREATE INDEX probes_destination ON probes(destination_id, started_at DESC);",
    // 3: delivery history (batches, files, completed multipart parts)
    HISTORY,
    // 4: app-wide settings (history retention) and retries linked to their batch
    "CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     ALTER TABLE batches ADD COLUMN parent_id TEXT;",
    // 5: HTTP requests per file, the client's retries included
    "ALTER TABLE batch_files ADD COLUMN requests INTEGER NOT NULL DEFAULT 0;",
    // 6: what each batch was given (sources) and left out (excluded paths, refused files)
    INPUTS,
    // 7: watched folders and their journal (what each delivered, what waits)
    WATCHES,
    // 8: the combined object a batching watch sent a file in
    "ALTER TABLE watch_files ADD COLUMN bundle TEXT;",
    // 9: the batches of one drop sent to several destinations share a group
    "ALTER TABLE batches ADD COLUMN group_id TEXT;
     CREATE INDEX batches_group ON batches(group_id) WHERE group_id IS NOT NULL;",
    // 10: what each destination's endpoint was seen to do
    "CREATE TABLE capabilities (
        destination_id TEXT PRIMARY KEY REFERENCES destinations(id) ON DELETE CASCADE,
        measured_at    INTEGER NOT NULL,
        observed       TEXT NOT NULL   -- JSON: s3::capabilities::Capabilities
     );",
    // 11: receipts: what checking each batch's objects at the destination found
    RECEIPTS,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// 3: the delivery history: batches, their files, completed multipart parts.
const HISTORY: &str = "
CREATE TABLE batches (
    id               TEXT PRIMARY KEY,
    destination_id   TEXT NOT NULL,
    destination_name TEXT NOT NULL,
    settings         TEXT NOT NULL,   -- JSON snapshot of the non-secret settings
    origin           TEXT NOT NULL,
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    state            TEXT NOT NULL,   -- running | finished | interrupted | discarded
    owner_pid        INTEGER NOT NULL, -- the process delivering it while running
    outcome          TEXT,            -- delivered | partial | failed | cancelled
    files_total      INTEGER NOT NULL,
    bytes_total      INTEGER NOT NULL,
    delivered        INTEGER NOT NULL DEFAULT 0,
    skipped          INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0,
    cancelled        INTEGER NOT NULL DEFAULT 0,
    bytes_sent       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX batches_started ON batches(started_at DESC);
CREATE INDEX batches_destination ON batches(destination_id, started_at DESC);
CREATE INDEX batches_state ON batches(state);
CREATE TABLE batch_files (
    id            INTEGER PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    source        TEXT NOT NULL,
    relpath       TEXT NOT NULL,
    key           TEXT NOT NULL,
    size          INTEGER NOT NULL,
    mtime_ms      INTEGER NOT NULL,
    content_type  TEXT NOT NULL,
    status        TEXT NOT NULL,      -- pending | uploading | delivered | skipped | failed | cancelled
    attempts      INTEGER NOT NULL DEFAULT 0,
    bytes_sent    INTEGER NOT NULL DEFAULT 0,
    multipart     INTEGER NOT NULL DEFAULT 0,
    etag          TEXT,
    md5           TEXT,
    version_id    TEXT,
    duration_ms   INTEGER,
    error_code    TEXT,
    error_message TEXT,
    error_fix     TEXT,
    s3_code       TEXT,
    request_id    TEXT,
    upload_id     TEXT,
    part_size     INTEGER,
    finished_at   INTEGER,
    UNIQUE (batch_id, idx)
);
CREATE INDEX batch_files_status ON batch_files(status, finished_at DESC);
CREATE TABLE batch_parts (
    file_id INTEGER NOT NULL REFERENCES batch_files(id) ON DELETE CASCADE,
    number  INTEGER NOT NULL,
    etag    TEXT NOT NULL,
    md5     TEXT NOT NULL,
    size    INTEGER NOT NULL,
    PRIMARY KEY (file_id, number)
);
";

/// 6: what each batch was given (sources) and left out (excluded paths),
/// and the counts of refused and excluded entries.
const INPUTS: &str = "
CREATE TABLE batch_sources (
    batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    path     TEXT NOT NULL,
    kind     TEXT NOT NULL,      -- folder | file | missing
    files    INTEGER NOT NULL,   -- planned files under it
    PRIMARY KEY (batch_id, idx)
);
CREATE TABLE batch_excluded (
    batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    path     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    PRIMARY KEY (batch_id, idx)
);
ALTER TABLE batches ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN inputs_recorded INTEGER NOT NULL DEFAULT 0;
";

/// 7: watched folders and their journal: one row per file content and
/// destination, from queued to delivered; the queue survives restarts.
const WATCHES: &str = "
CREATE TABLE watches (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    settings   TEXT NOT NULL,   -- JSON of WatchSettings; never a secret
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,         -- when its existing files were taken in
    problem    TEXT             -- JSON {code, message, fix, at}: why the runner cannot watch it now
);
CREATE UNIQUE INDEX watches_name ON watches(name COLLATE NOCASE);
CREATE TABLE watch_files (
    id             INTEGER PRIMARY KEY,
    watch_id       TEXT NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    destination_id TEXT NOT NULL,
    relpath        TEXT NOT NULL,
    size           INTEGER NOT NULL,
    mtime_ms       INTEGER NOT NULL,
    checksum       TEXT NOT NULL,      -- crc64nvme hex of the content; empty for a baseline row
    state          TEXT NOT NULL,      -- queued | sending | delivered | failed | baseline
    key            TEXT,               -- fixed at the first attempt, kept across retries
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_try_at    INTEGER NOT NULL,
    error_code     TEXT,
    error_message  TEXT,
    error_fix      TEXT,
    batch_id       TEXT,
    queued_at      INTEGER NOT NULL,
    finished_at    INTEGER
);
CREATE INDEX watch_files_path ON watch_files(watch_id, relpath, destination_id);
CREATE INDEX watch_files_due ON watch_files(state, next_try_at);
";

/// 10: receipts. A batch's objects are checked at the destination as its
/// delivery ends and may be re-checked later; the latest check is kept
/// (its counts, and each object that differs or could not be checked),
/// and each file's row says what its object's latest check found.
const RECEIPTS: &str = "
CREATE TABLE receipts (
    batch_id   TEXT PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,      -- delivery | recheck
    checked_at INTEGER NOT NULL,
    checked    INTEGER NOT NULL,   -- objects checked
    verified   INTEGER NOT NULL,   -- size and content match, or unchanged since delivery
    size_only  INTEGER NOT NULL,   -- size matches, content not verifiable on this server
    differing  INTEGER NOT NULL,   -- mismatched, changed since delivery or missing
    unchecked  INTEGER NOT NULL,   -- the server could not be asked
    note       TEXT                -- why some content could not be verified, or why some objects were not checked
);
CREATE TABLE receipt_problems (
    batch_id TEXT NOT NULL REFERENCES receipts(batch_id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,     -- the file's index in its batch
    key      TEXT NOT NULL,
    state    TEXT NOT NULL,        -- mismatch | changed | missing | unchecked
    code     TEXT NOT NULL,
    message  TEXT NOT NULL,
    fix      TEXT NOT NULL,
    PRIMARY KEY (batch_id, idx)
);
ALTER TABLE batch_files ADD COLUMN verified TEXT; -- the latest check of its object (a Verification word), NULL before any
";
