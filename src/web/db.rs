//! The page's SQLite database in the workspace (`收表/收表.sqlite`): opened with its
//! migrations applied in order, reached only through [`Db::with`].

use super::WebError;
use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

/// The migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: [&str; 4] = [
    include_str!("../../migrations/0001_accounts_uploads.sql"),
    include_str!("../../migrations/0002_publication.sql"),
    include_str!("../../migrations/0003_other_region.sql"),
    include_str!("../../migrations/0004_sessions.sql"),
];

/// The database, one connection shared by the handlers (SQLite serialises writes anyway).
pub struct Db(Mutex<Connection>);

impl Db {
    /// Opens (or creates) the database at `path` and applies the migrations it lacks.
    ///
    /// # Errors
    ///
    /// [`WebError::Database`] when the file cannot be opened or a migration fails.
    pub fn open(path: &Path) -> Result<Db, WebError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let applied: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(Db(Mutex::new(conn)))
    }

    /// Runs `f` on the connection.
    ///
    /// # Errors
    ///
    /// What `f` returns, as [`WebError::Database`].
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, WebError> {
        let mut conn = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(f(&mut conn)?)
    }
}
