//! Sessions kept in the page's database (the `session` table), so that a server restarted —
//! after a crash, a kill or a reboot — keeps everyone signed in: tower-sessions' store
//! interface, over [`Db`].

use super::Db;
use async_trait::async_trait;
use std::sync::Arc;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};

/// The store: the app's database.
#[derive(Clone)]
pub struct SessionTable(pub Arc<super::App>);

impl std::fmt::Debug for SessionTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionTable")
    }
}

fn backend(e: super::WebError) -> Error {
    Error::Backend(e.to_string())
}

fn db(table: &SessionTable) -> &Db {
    &table.0.db
}

/// Deletes the sessions that have expired.
///
/// # Errors
///
/// [`super::WebError::Database`].
pub fn delete_expired(db: &Db) -> std::result::Result<usize, super::WebError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    db.with(|c| c.execute("DELETE FROM session WHERE expires <= ?1", [now]))
}

#[async_trait]
impl SessionStore for SessionTable {
    /// A new record under an id no other session has.
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let json = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
            let id = record.id.to_string();
            let expires = record.expiry_date.unix_timestamp();
            let added = db(self)
                .with(|c| {
                    c.execute(
                        "INSERT INTO session (id, record, expires) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (id) DO NOTHING",
                        (&id, &json, expires),
                    )
                })
                .map_err(backend)?;
            if added == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let json = serde_json::to_string(record).map_err(|e| Error::Encode(e.to_string()))?;
        let id = record.id.to_string();
        let expires = record.expiry_date.unix_timestamp();
        db(self)
            .with(|c| {
                c.execute(
                    "INSERT INTO session (id, record, expires) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (id) DO UPDATE SET record = excluded.record, \
                     expires = excluded.expires",
                    (&id, &json, expires),
                )
            })
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        use rusqlite::OptionalExtension;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let json: Option<String> = db(self)
            .with(|c| {
                c.query_row(
                    "SELECT record FROM session WHERE id = ?1 AND expires > ?2",
                    (id.to_string(), now),
                    |r| r.get(0),
                )
                .optional()
            })
            .map_err(backend)?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        db(self)
            .with(|c| c.execute("DELETE FROM session WHERE id = ?1", [id.to_string()]))
            .map_err(backend)?;
        Ok(())
    }
}
