//! The bridge between the page and the app: replies recorded as they come,
//! and the commands the web side is refused.

use fantoccini::Client;

pub(crate) async fn record_ipc(c: &Client) {
    let ok = c
        .execute(
            "const orig = window.fetch.bind(window);
             window.__ipcLog = [];
             const recorder = async (input, init) => {
               const url = typeof input === 'string' ? input : input.url;
               const resp = await orig(input, init);
               if (url.startsWith('ipc:') || url.startsWith('http://ipc.localhost')) {
                 resp.clone().text().then((t) => window.__ipcLog.push(url + ' ' + t), () => {});
               }
               return resp;
             };
             window.fetch = recorder;
             return window.fetch === recorder;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ok, serde_json::json!(true), "the IPC recorder is in place");
}

pub(crate) async fn ipc_log(c: &Client) -> Vec<String> {
    let v = c.execute("return window.__ipcLog || [];", vec![]).await.unwrap();
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()
}

/// The web side can call only Chute's commands, and those check what they get.
pub(crate) async fn ipc_refusals(c: &Client) {
    let call = |cmd: &'static str, args: serde_json::Value| async move {
        c.execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
               .then((r) => done({ ok: r }), (e) => done({ err: e }));",
            vec![serde_json::json!(cmd), args],
        )
        .await
        .unwrap()
    };
    let uuid = "00000000-0000-4000-8000-000000000000";
    let code = |v: &serde_json::Value| v["err"]["code"].as_str().map(str::to_string).unwrap_or_else(|| format!("{v}"));
    assert_eq!(code(&call("delete_history", serde_json::json!({ "batch_ids": ["../../etc/passwd"] })).await), "bad_argument");
    assert_eq!(code(&call("plan_delivery", serde_json::json!({ "id": uuid, "paths": ["relative/file.txt"] })).await), "bad_argument");
    assert_eq!(code(&call("history_batches", serde_json::json!({ "filter": { "search": "x".repeat(600) } })).await), "bad_argument");
    assert_eq!(code(&call("reveal_source", serde_json::json!({ "batch_id": uuid, "file_id": 1 })).await), "bad_argument");
    assert_eq!(
        code(&call("presign_link", serde_json::json!({ "id": uuid, "key": "k", "expires_secs": 30 * 24 * 3600 })).await),
        "bad_argument"
    );
    // One drop is made of at least two kept plans, named by id; the history lists one drop by its id.
    assert_eq!(code(&call("group_plans", serde_json::json!({ "plan_ids": [uuid] })).await), "bad_argument");
    assert_eq!(code(&call("group_plans", serde_json::json!({ "plan_ids": [uuid, "../x"] })).await), "bad_argument");
    assert_eq!(code(&call("group_plans", serde_json::json!({ "plan_ids": [uuid, uuid] })).await), "plan_not_found");
    assert_eq!(code(&call("history_batches", serde_json::json!({ "filter": { "group_id": "' OR 1=1" } })).await), "bad_argument");
    // Commands of plugins (none granted), and names that are not commands at all.
    for forbidden in
        ["plugin:opener|open_url", "plugin:notification|notify", "plugin:shell|execute", "plugin:fs|read_file", "no_such_command"]
    {
        let r = call(forbidden, serde_json::json!({ "url": "https://example.com", "path": "/etc/passwd" })).await;
        assert!(r.get("ok").is_none(), "{forbidden} must be refused: {r}");
    }
}
