//! One module per screen: its state and its key handling. A screen changes only its own
//! state and answers with an `Outcome` (commands, a notice, a question, somewhere to go);
//! the router (`app`) applies it. No screen imports `app`.

pub mod conflicts;
pub mod dashboard;
pub mod exchange;
pub mod form;
pub mod home;
pub mod trust;
