//! The template hash: a short digest of everything in the scheme that shapes the workbook, so
//! that ingest can tell a stale template from a current one.

use crate::scheme::{Scheme, ValueKind};
use sha2::{Digest, Sha256};

/// Changes whenever the workbook's layout (this module and its siblings) changes, so that the
/// template hash does too.
const LAYOUT: &str = "kaoping-submission-layout-1";

/// Short hash (16 hex chars of SHA-256) of everything in the scheme that shapes the workbook's
/// contract: id, version, fields and work items (code, name, unit, kind, le, note) and ledgers
/// (id, sheet, note, columns with name, kind, required, key, in_quarter, choices, max, note),
/// plus the layout version of the template's code. Deadlines, weights and rules are not in it:
/// changing them does not make an issued template stale. Stable across runs and platforms.
pub fn template_hash(scheme: &Scheme) -> String {
    let mut h = Sha256::new();
    put(&mut h, LAYOUT);
    put(&mut h, &scheme.id);
    put(&mut h, &scheme.version);
    for (tag, defs) in [
        ("fields", &scheme.fields),
        ("work_items", &scheme.work_items),
    ] {
        put(&mut h, tag);
        put(&mut h, &defs.len().to_string());
        for f in defs.iter() {
            put(&mut h, &f.code);
            put(&mut h, &f.name);
            put(&mut h, &f.unit);
            put(&mut h, kind_key(f.kind));
            put(&mut h, f.le.as_deref().unwrap_or(""));
            put(&mut h, &f.note);
        }
    }
    put(&mut h, "ledgers");
    put(&mut h, &scheme.ledgers.len().to_string());
    for l in &scheme.ledgers {
        put(&mut h, &l.id);
        put(&mut h, &l.sheet);
        put(&mut h, &l.note);
        put(&mut h, &l.columns.len().to_string());
        for c in &l.columns {
            put(&mut h, &c.name);
            put(&mut h, kind_key(c.kind));
            put(&mut h, flag_key(c.required));
            put(&mut h, flag_key(c.key));
            put(&mut h, flag_key(c.in_quarter));
            put(&mut h, &c.choices.len().to_string());
            for choice in &c.choices {
                put(&mut h, choice);
            }
            put(&mut h, &c.max.map(|m| m.to_string()).unwrap_or_default());
            put(&mut h, &c.note);
        }
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Feeds one length-prefixed string, so that ("ab","c") and ("a","bc") differ.
fn put(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

fn kind_key(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Count => "count",
        ValueKind::Amount => "amount",
        ValueKind::YesNo => "yes_no",
        ValueKind::Text => "text",
        ValueKind::Date => "date",
        ValueKind::Choice => "choice",
    }
}

fn flag_key(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::BUILTIN_SCHEME;

    fn builtin() -> Scheme {
        Scheme::builtin().unwrap()
    }

    #[test]
    fn hash_is_stable_and_short() {
        let a = template_hash(&builtin());
        let b = template_hash(&builtin());
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
    }

    #[test]
    fn hash_changes_with_a_ledger_column_name() {
        let text = BUILTIN_SCHEME.replacen("\"接收公安机关\"", "\"接收单位\"", 1);
        let changed = Scheme::from_toml(&text).unwrap();
        assert_ne!(template_hash(&builtin()), template_hash(&changed));
    }

    #[test]
    fn hash_ignores_what_does_not_shape_the_workbook() {
        let text = BUILTIN_SCHEME.replacen("deadline_day = 10", "deadline_day = 15", 1);
        let changed = Scheme::from_toml(&text).unwrap();
        assert_eq!(template_hash(&builtin()), template_hash(&changed));
    }
}
