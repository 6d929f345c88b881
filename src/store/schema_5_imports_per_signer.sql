-- A bundle id names a bundle only together with the key that signed it
-- (docs/bundle-format.md, "Bundle ids"): any trusted key can write any id, so an id
-- alone must not let one signer's bundle block another's. The import log is keyed by
-- (signer, bundle id).
CREATE TABLE imports_by_signer (
    signer      TEXT NOT NULL,
    bundle_id   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (signer, bundle_id)
) WITHOUT ROWID;

INSERT INTO imports_by_signer(signer, bundle_id, file_name, imported_at)
    SELECT signer, bundle_id, file_name, imported_at FROM imports;

DROP TABLE imports;

ALTER TABLE imports_by_signer RENAME TO imports;
