//! What identifies a submission template: the template hash (this exact template, as issued
//! under one scheme version) and the contract fingerprint (what a region fills in and how it is
//! read, whatever the scheme's version, weights, targets and rules). A submission is read under
//! any scheme whose contract has the same fingerprint; only a change of fields, work items or
//! ledger columns needs a new template.

use crate::scheme::{Scheme, ValueKind};
use crate::submission::Meta;
use sha2::{Digest, Sha256};

/// Changes whenever the workbook's layout (the 基本情况 rows, sheet order, header texts: see
/// `contract`) changes, so that both hashes do too.
const LAYOUT: &str = "kaoping-submission-layout-1";

/// Short hash (16 hex chars of SHA-256) of the scheme's id and version and of everything in
/// the scheme that shapes the workbook: fields and work items (code, name, unit, kind, le,
/// note) and ledgers (id, sheet, note, columns with name, kind, required, key, in_quarter,
/// choices, max, note), plus the layout version of the template's code. Deadlines, weights and
/// rules are not in it. Stable across runs and platforms.
pub fn template_hash(scheme: &Scheme) -> String {
    template_hash_as(scheme, &scheme.id, &scheme.version)
}

/// [`template_hash`] of the scheme's contract issued as scheme `id`, version `version`: equal to
/// a template's recorded hash exactly when that template was made from a scheme with this
/// contract (notes included) under that id and version. How a template that records no
/// contract fingerprint (made before it existed) is recognised.
fn template_hash_as(scheme: &Scheme, id: &str, version: &str) -> String {
    let mut h = Sha256::new();
    put(&mut h, LAYOUT);
    put(&mut h, id);
    put(&mut h, version);
    feed_contract(&mut h, scheme, true);
    short(h)
}

/// Short hash of the contract alone: the layout; fields and work items (code, name, unit, kind,
/// le); ledgers (id, sheet, columns with name, kind, required, key, in_quarter, choices, max).
/// Not the scheme's id or version, not notes, not weights, targets, rules or deadlines: a
/// revision that leaves these alone keeps every issued template valid.
pub fn contract_fingerprint(scheme: &Scheme) -> String {
    let mut h = Sha256::new();
    put(&mut h, LAYOUT);
    put(&mut h, "contract");
    feed_contract(&mut h, scheme, false);
    short(h)
}

/// Feeds the fields, work items and ledgers; with `notes`, the notes shown to the filler too.
fn feed_contract(h: &mut Sha256, scheme: &Scheme, notes: bool) {
    for (tag, defs) in [
        ("fields", &scheme.fields),
        ("work_items", &scheme.work_items),
    ] {
        put(h, tag);
        put(h, &defs.len().to_string());
        for f in defs.iter() {
            put(h, &f.code);
            put(h, &f.name);
            put(h, &f.unit);
            put(h, kind_key(f.kind));
            put(h, f.le.as_deref().unwrap_or(""));
            if notes {
                put(h, &f.note);
            }
        }
    }
    put(h, "ledgers");
    put(h, &scheme.ledgers.len().to_string());
    for l in &scheme.ledgers {
        put(h, &l.id);
        put(h, &l.sheet);
        if notes {
            put(h, &l.note);
        }
        put(h, &l.columns.len().to_string());
        for c in &l.columns {
            put(h, &c.name);
            put(h, kind_key(c.kind));
            put(h, flag_key(c.required));
            put(h, flag_key(c.key));
            put(h, flag_key(c.in_quarter));
            put(h, &c.choices.len().to_string());
            for choice in &c.choices {
                put(h, choice);
            }
            put(h, &c.max.map(|m| m.to_string()).unwrap_or_default());
            if notes {
                put(h, &c.note);
            }
        }
    }
}

/// Whether a template, as its hidden `_meta` describes it, has the contract of `scheme`: by
/// its contract fingerprint, or, for a template that records none, by its template hash
/// recomputed under the template's own scheme id and version.
pub fn same_contract(meta: &Meta, scheme: &Scheme) -> bool {
    if !meta.contract.is_empty() {
        return meta.contract == contract_fingerprint(scheme);
    }
    !meta.template_hash.is_empty()
        && meta.template_hash == template_hash_as(scheme, &meta.scheme_id, &meta.scheme_version)
}

fn short(h: Sha256) -> String {
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
    fn the_contract_outlives_a_new_version_and_new_weights_but_not_a_renamed_column() {
        let revised = BUILTIN_SCHEME
            .replacen("version = \"2020.1\"", "version = \"2025.1\"", 1)
            .replacen("deadline_day = 10", "deadline_day = 15", 1);
        let revised = Scheme::from_toml(&revised).unwrap();
        assert_ne!(template_hash(&builtin()), template_hash(&revised));
        assert_eq!(
            contract_fingerprint(&builtin()),
            contract_fingerprint(&revised)
        );

        // A template of the built-in scheme, with and without a recorded fingerprint.
        let b = builtin();
        let mut meta = Meta {
            scheme_id: b.id.clone(),
            scheme_version: b.version.clone(),
            template_hash: template_hash(&b),
            ..Meta::default()
        };
        assert!(same_contract(&meta, &revised));
        meta.contract = contract_fingerprint(&b);
        assert!(same_contract(&meta, &revised));

        let renamed = BUILTIN_SCHEME.replacen("\"接收公安机关\"", "\"接收单位\"", 1);
        let renamed = Scheme::from_toml(&renamed).unwrap();
        assert_ne!(contract_fingerprint(&b), contract_fingerprint(&renamed));
        assert!(!same_contract(&meta, &renamed));
        meta.contract.clear();
        assert!(!same_contract(&meta, &renamed));
    }

    #[test]
    fn hash_ignores_what_does_not_shape_the_workbook() {
        let text = BUILTIN_SCHEME.replacen("deadline_day = 10", "deadline_day = 15", 1);
        let changed = Scheme::from_toml(&text).unwrap();
        assert_eq!(template_hash(&builtin()), template_hash(&changed));
    }
}
