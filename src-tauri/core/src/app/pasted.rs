//! Items pasted into the window that are not files yet (an image, text):
//! kept as files in the data folder's `pasted/`, named by the template
//! set here, so they are planned and delivered like any dropped file.

use std::path::PathBuf;

use super::{Chute, Error, Result};
use crate::pasted::{self, Pasted};
use crate::report::ErrorInfo;

const NAME_TEMPLATE_KEY: &str = "paste_name_template";

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
