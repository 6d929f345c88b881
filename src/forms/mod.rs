//! Form and target definitions: schema, loading, validation, expression language.
