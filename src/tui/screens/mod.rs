//! One module per screen: its state and its key handling. A screen changes only its own
//! state and answers with an `Outcome` (commands, a notice, a question, somewhere to go);
//! the router (`app`) applies it. No screen imports `app`.

pub mod conflicts;
pub mod dashboard;
pub mod exchange;
pub mod first_run;
pub mod form;
pub mod help;
pub mod history;
pub mod home;
pub mod review;
pub mod trust;
