//! SQLite storage: open + pragmas, migrations, records, revisions, facts, audit, keys.
