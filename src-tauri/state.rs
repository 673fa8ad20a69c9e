//! What the app holds while it runs: the core, or why it could not be
//! opened (shown by the window instead of crashing: e.g. a database
//! written by a newer Chute).

use std::sync::Arc;

use chute_core::{Chute, ErrorReply, UserError};

pub struct AppState {
    core: Result<Arc<Chute>, ErrorReply>,
}

impl AppState {
    pub fn open() -> AppState {
        let dir = chute_core::default_data_dir();
        let core = Chute::open(&dir).map(Arc::new).map_err(|e| ErrorReply::from(e.info()));
        // The retention setting is applied at start, off the window's path.
        if let Ok(c) = &core {
            let c = c.clone();
            std::thread::spawn(move || {
                if let Err(e) = c.apply_retention() {
                    eprintln!("chute: could not apply the history retention: {e}");
                }
            });
        }
        AppState { core }
    }

    pub fn core(&self) -> Result<Arc<Chute>, ErrorReply> {
        self.core.clone()
    }
}
