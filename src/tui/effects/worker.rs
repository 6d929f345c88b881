//! What the export and import effects keep between commands: where the picker's places
//! are, and the job running on a worker thread (kept apart from `effects::exchange` so
//! that `Effects` can hold it without importing the module that extends it).

use crate::tui::picker::PickerRoots;
use crate::tui::shared::exchange::ExchangeMsg;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

/// What the exchange screens keep in the effects: where the places are, and the job
/// running on a worker thread, if any.
pub struct ExchangeFx {
    pub roots: PickerRoots,
    pub(crate) job: Option<Worker>,
}

pub(crate) struct Worker {
    pub(crate) rx: Receiver<ExchangeMsg>,
    pub(crate) handle: JoinHandle<()>,
}

impl Default for ExchangeFx {
    fn default() -> Self {
        ExchangeFx {
            roots: PickerRoots::from_env(),
            job: None,
        }
    }
}

/// A dashboard being computed on a worker thread (`effects::dashboard`).
pub(crate) struct DashboardJob {
    pub(crate) rx: Receiver<crate::tui::shared::Msg>,
    pub(crate) unit: String,
    pub(crate) round: String,
    /// Its last answer (the village lists, or a failure) came.
    pub(crate) done: bool,
}
