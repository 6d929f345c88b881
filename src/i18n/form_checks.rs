//! Why a form file (`forms check`) or a division register is refused.

#[allow(unused_imports)]
use super::{Lang, pick};
