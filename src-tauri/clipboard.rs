//! The system clipboard, natively (X11 here; macOS and Windows through the
//! same library): what Ctrl+V in the window delivers (copied files, an
//! image kept as a PNG, or text kept as a `.txt`, by the core's name
//! template), and text copied for the person (a delivered object's link).
//! The clipboard object lives as long as the app: on X11 a copied text is
//! served by its owner, so it must outlive the copy.

use std::sync::Mutex;

use chute_core::{Code, CopyAfterPaste, Pasted};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};

use crate::ipc::{on_core, refusal, Reply};
use crate::state::AppState;

/// The app's clipboard (state of the app), opened on first use.
#[derive(Default)]
pub struct NativeClipboard(Mutex<Option<arboard::Clipboard>>);

impl NativeClipboard {
    fn with<T>(&self, f: impl FnOnce(&mut arboard::Clipboard) -> T) -> Result<T, String> {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        Ok(f(slot.as_mut().expect("opened above")))
    }
}

/// What was on the clipboard, as files to deliver.
#[derive(Debug, Serialize)]
pub struct PastedPaths {
    pub paths: Vec<String>,
    /// `files`, `image` or `text`.
    pub kind: &'static str,
}

/// What the clipboard holds, in order of preference.
enum Held {
    Files(Vec<String>),
    Item(Pasted),
    Nothing,
}

fn read(clipboard: &mut arboard::Clipboard) -> Result<Held, String> {
    if let Ok(files) = clipboard.get().file_list() {
        let paths: Vec<String> = files.into_iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if !paths.is_empty() {
            return Ok(Held::Files(paths));
        }
    }
    if let Ok(image) = clipboard.get_image() {
        return png(image.width as u32, image.height as u32, &image.bytes).map(|b| Held::Item(Pasted::Png(b)));
    }
    match clipboard.get_text() {
        Ok(text) if !text.trim().is_empty() => Ok(Held::Item(Pasted::Text(text))),
        _ => Ok(Held::Nothing),
    }
}

/// RGBA pixels as a PNG file's bytes.
fn png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(rgba).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// Ctrl+V: the clipboard's files, or its image or text kept as a file.
#[tauri::command(rename_all = "snake_case")]
pub async fn paste_clipboard(app: AppHandle, state: State<'_, AppState>) -> Reply<PastedPaths> {
    // Reading waits for the clipboard's owner to answer: off the window's thread and the async workers.
    let held = tauri::async_runtime::spawn_blocking(move || app.state::<NativeClipboard>().with(read).and_then(|r| r))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    let held = held.map_err(|e| {
        refusal(
            Code::PasteEmpty,
            format!("The clipboard could not be read: {e}."),
            "Copy the files, image or text again, then press Ctrl+V in Chute's window.",
        )
    })?;
    match held {
        Held::Files(paths) => Ok(PastedPaths { paths, kind: "files" }),
        Held::Item(item) => {
            let kind = if matches!(item, Pasted::Png(_)) { "image" } else { "text" };
            let path = on_core(state, move |c| c.keep_pasted(&item)).await?;
            Ok(PastedPaths { paths: vec![path.to_string_lossy().into_owned()], kind })
        }
        Held::Nothing => Err(refusal(
            Code::PasteEmpty,
            "The clipboard holds no files, image or text to deliver.",
            "Copy files in the file manager, an image (a screenshot) or some text, then press Ctrl+V in Chute's window.",
        )),
    }
}

/// Put `text` on the clipboard (a link, for the person to paste elsewhere).
#[tauri::command(rename_all = "snake_case")]
pub fn copy_text(clipboard: State<'_, NativeClipboard>, text: String) -> Reply<()> {
    clipboard.with(|c| c.set_text(text)).and_then(|r| r.map_err(|e| e.to_string())).map_err(|e| {
        refusal(Code::CopyFailed, format!("The text could not be put on the clipboard: {e}."), "Select the link and copy it by hand.")
    })
}

/// How pasted items are named, and what is copied when one lands.
#[derive(Debug, Serialize)]
pub struct PasteSettings {
    pub name_template: String,
    pub copy: CopyAfterPaste,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn paste_settings(state: State<'_, AppState>) -> Reply<PasteSettings> {
    on_core(state, |c| Ok(PasteSettings { name_template: c.paste_name_template()?, copy: c.paste_copies()? })).await
}

/// Set either or both (the template is checked by the core).
#[tauri::command(rename_all = "snake_case")]
pub async fn set_paste_settings(
    state: State<'_, AppState>,
    name_template: Option<String>,
    copy: Option<CopyAfterPaste>,
) -> Reply<PasteSettings> {
    if let Some(t) = &name_template {
        crate::ipc::check_text("name_template", t, 200)?;
    }
    on_core(state, move |c| {
        if let Some(t) = name_template {
            c.set_paste_name_template(&t)?;
        }
        if let Some(copy) = copy {
            c.set_paste_copies(copy)?;
        }
        Ok(PasteSettings { name_template: c.paste_name_template()?, copy: c.paste_copies()? })
    })
    .await
}
