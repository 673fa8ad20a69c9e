//! Items pasted into the window that are not files yet (an image, text):
//! kept as files in the data folder's `pasted/`, named by the template
//! set here, so they are planned and delivered like any dropped file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{Chute, Error, Result};
use crate::pasted::{self, Pasted};
use crate::report::ErrorInfo;

/// What goes on the clipboard when a pasted item has landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyAfterPaste {
    Nothing,
    /// The object's plain URL.
    Link,
    /// A presigned link (it works without credentials for a while).
    Presigned,
}

const NAME_TEMPLATE_KEY: &str = "paste_name_template";
const COPY_LINK_KEY: &str = "paste_copy_link";

impl Chute {
    /// The template pasted items are named by.
    pub fn paste_name_template(&self) -> Result<String> {
        Ok(self.store().app_setting(NAME_TEMPLATE_KEY)?.unwrap_or_else(|| pasted::DEFAULT_NAME_TEMPLATE.to_string()))
    }

    /// Set the template (checked first; empty puts the default back).
    pub fn set_paste_name_template(&self, template: &str) -> Result<String> {
        let t = template.trim();
        if t.is_empty() {
            crate::store::clear_app_setting(self.store().conn(), NAME_TEMPLATE_KEY)?;
            return Ok(pasted::DEFAULT_NAME_TEMPLATE.to_string());
        }
        pasted::check_name_template(t).map_err(|p| {
            Error::NotApplicable(ErrorInfo { code: p.code, message: p.message, fix: p.fix, field: Some("paste_name_template".into()) })
        })?;
        self.store().set_app_setting(NAME_TEMPLATE_KEY, t)?;
        Ok(t.to_string())
    }

    /// What is put on the clipboard when a pasted item lands.
    pub fn paste_copies(&self) -> Result<CopyAfterPaste> {
        Ok(match self.store().app_setting(COPY_LINK_KEY)?.as_deref() {
            Some("link") => CopyAfterPaste::Link,
            Some("presigned") => CopyAfterPaste::Presigned,
            _ => CopyAfterPaste::Nothing,
        })
    }

    pub fn set_paste_copies(&self, copy: CopyAfterPaste) -> Result<()> {
        match copy {
            CopyAfterPaste::Nothing => crate::store::clear_app_setting(self.store().conn(), COPY_LINK_KEY)?,
            CopyAfterPaste::Link => self.store().set_app_setting(COPY_LINK_KEY, "link")?,
            CopyAfterPaste::Presigned => self.store().set_app_setting(COPY_LINK_KEY, "presigned")?,
        }
        Ok(())
    }

    /// Keep a pasted item as a file to deliver; its path.
    pub fn keep_pasted(&self, item: &Pasted) -> Result<PathBuf> {
        let folder = self.data_dir.join("pasted");
        pasted::keep(&folder, &self.paste_name_template()?, item, jiff::Zoned::now()).map_err(|e| {
            Error::NotApplicable(ErrorInfo::new(
                crate::report::Code::PasteNotKept,
                format!("The pasted item could not be kept as a file in {}: {e}.", folder.display()),
                "Check that the disk has room and Chute's data folder is writable, then paste again.",
            ))
        })
    }
}
