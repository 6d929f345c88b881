//! Keys this installation accepts bundles from, each limited to a division scope.

use super::{Result, Store, now};
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// 64 lowercase hex characters.
    pub public_key: String,
    pub name: String,
    /// 12-digit code: the key may deliver villages under this unit only.
    pub scope: String,
    pub added_at: String,
}

impl Store {
    /// Trust a key for a scope (replacing an earlier scope or name for the same key).
    pub fn trust_key(&mut self, public_key: &str, name: &str, scope: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO trusted_keys(public_key, name, scope, added_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(public_key) DO UPDATE SET name = excluded.name, scope = excluded.scope, added_at = excluded.added_at",
            params![public_key, name, scope, now()],
        )?;
        Ok(())
    }

    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT public_key, name, scope, added_at FROM trusted_keys ORDER BY added_at, public_key",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TrustedKey {
                    public_key: r.get(0)?,
                    name: r.get(1)?,
                    scope: r.get(2)?,
                    added_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn trusted_key(&self, public_key: &str) -> Result<Option<TrustedKey>> {
        Ok(self
            .conn
            .query_row(
                "SELECT public_key, name, scope, added_at FROM trusted_keys WHERE public_key = ?1",
                [public_key],
                |r| {
                    Ok(TrustedKey {
                        public_key: r.get(0)?,
                        name: r.get(1)?,
                        scope: r.get(2)?,
                        added_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Remove a key; true when it was trusted.
    pub fn untrust_key(&mut self, public_key: &str) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM trusted_keys WHERE public_key = ?1",
            [public_key],
        )? > 0)
    }

    /// Has this bundle id been imported before?
    pub fn bundle_imported(&self, bundle_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM imports WHERE bundle_id = ?1",
                [bundle_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .is_some())
    }

    pub fn record_import(&mut self, bundle_id: &str, file_name: &str, signer: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO imports(bundle_id, file_name, signer, imported_at) VALUES (?1, ?2, ?3, ?4)",
            params![bundle_id, file_name, signer, now()],
        )?;
        Ok(())
    }
}
