//! Administrative divisions (12-digit codes) and survey scope.
