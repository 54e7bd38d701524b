//! Accounts: one per region of the registry, the office's and a read-only 领导 account, with
//! argon2id password hashes. Initial passwords are made here, shown once (the 账号分发
//! workbook), and must be changed at first login.

use super::db::Db;
use super::WebError;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// The office's account.
pub const OFFICE_LOGIN: &str = "office";
/// The read-only account of the office's leadership.
pub const LEADER_LOGIN: &str = "leader";
/// Wrong passwords in a row that lock an account until the office lifts the lock.
pub const MAX_FAILURES: i64 = 10;
/// Shortest password a person may choose.
pub const MIN_PASSWORD: usize = 10;

/// An account made by [`create`], with its initial password (shown once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub login: String,
    pub name: String,
    /// "地区", "办公室" or "领导".
    pub role: &'static str,
    pub password: String,
}

/// An argon2id hash of `password` (PHC string, salt included).
///
/// # Errors
///
/// [`WebError::Internal`] when hashing fails.
pub fn hash(password: &str) -> Result<String, WebError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("密码加密失败：{e}")))
}

/// Whether `password` matches the stored `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A random initial password: 12 characters a person reads off paper without confusing them
/// (no 0/O, 1/l/I).
pub fn initial_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    (0..12)
        .map(|_| char::from(ALPHABET[OsRng.next_u32() as usize % ALPHABET.len()]))
        .collect()
}

/// Makes the accounts the database lacks: the office's, the leader's, and one per region of
/// `regions` (code, name), its login the 区划代码. Existing accounts are left as they are.
///
/// # Errors
///
/// [`WebError`] when the database cannot be written.
pub fn create(
    db: &Db,
    regions: &[(String, String)],
    office: &str,
) -> Result<Vec<Created>, WebError> {
    let mut wanted: Vec<(String, String, &'static str, &'static str, String)> = vec![
        (
            OFFICE_LOGIN.to_string(),
            office.to_string(),
            "office",
            "办公室",
            String::new(),
        ),
        (
            LEADER_LOGIN.to_string(),
            format!("{office}（领导）"),
            "leader",
            "领导",
            String::new(),
        ),
    ];
    for (code, name) in regions {
        wanted.push((code.clone(), name.clone(), "region", "地区", code.clone()));
    }
    let existing: Vec<String> = db.with(|c| {
        let mut st = c.prepare("SELECT login FROM account")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    })?;
    let mut made = Vec::new();
    let mut rows = Vec::new();
    for (login, name, role, label, region) in wanted {
        if existing.contains(&login) {
            continue;
        }
        let password = initial_password();
        rows.push((login.clone(), role, region, name.clone(), hash(&password)?));
        made.push(Created {
            login,
            name,
            role: label,
            password,
        });
    }
    db.with(|c| {
        let tx = c.transaction()?;
        for (login, role, region, name, hash) in &rows {
            tx.execute(
                "INSERT INTO account (login, role, region, name, password) VALUES (?1, ?2, ?3, ?4, ?5)",
                (login, role, region, name, hash),
            )?;
        }
        tx.commit()
    })?;
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_no_other() {
        let h = hash("正确的密码abc123").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("正确的密码abc123", &h));
        assert!(!verify("正确的密码abc124", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn initial_passwords_avoid_characters_read_wrong() {
        for _ in 0..200 {
            let p = initial_password();
            assert_eq!(p.chars().count(), 12);
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
        }
    }
}
