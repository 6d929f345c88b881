//! The terminal UI: model → update(msg) → effects; view(&model) is pure.
