//! The ignore file: known, accepted changes, silenced by id.
//!
//! One change id per line (as printed by `cargo xtask diff`); blank lines and
//! lines starting with `#` are skipped; an id ending in `*` matches every id
//! it starts.

use std::path::Path;

use super::Change;

/// Parsed ignore entries.
#[derive(Debug, Default)]
pub struct IgnoreList {
    entries: Vec<String>,
}

impl IgnoreList {
    /// Parses the text of an ignore file.
    pub fn parse(text: &str) -> IgnoreList {
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        IgnoreList { entries }
    }

    /// Reads an ignore file.
    pub fn read(path: &Path) -> anyhow::Result<IgnoreList> {
        std::fs::read_to_string(path)
            .map(|text| IgnoreList::parse(&text))
            .map_err(|e| anyhow::anyhow!("cannot read ignore file {}: {e}", path.display()))
    }

    fn matches(entry: &str, id: &str) -> bool {
        match entry.strip_suffix('*') {
            Some(prefix) => id.starts_with(prefix),
            None => entry == id,
        }
    }

    /// Marks matching changes ignored; returns entries that matched nothing.
    pub fn apply(&self, changes: &mut [Change]) -> Vec<&str> {
        let mut used = vec![false; self.entries.len()];
        for change in changes.iter_mut() {
            for (i, entry) in self.entries.iter().enumerate() {
                if IgnoreList::matches(entry, &change.id) {
                    change.ignored = true;
                    used[i] = true;
                }
            }
        }
        self.entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(e, _)| e.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::rust_effect::RustEffect;
    use crate::diff::{Direction, Kind};

    fn change(kind: Kind, op: &str, pointer: &str) -> Change {
        Change::new(
            kind,
            Direction::Request,
            op,
            pointer.into(),
            String::new(),
            RustEffect::none(),
        )
    }

    #[test]
    fn exact_ids_prefixes_and_stale_entries() {
        let list = IgnoreList::parse(
            "# accepted\n\noperation-removed:DELETE /v1/a\nproperty-removed:GET /v1/b*\nnever:matches\n",
        );
        let mut changes = vec![
            change(Kind::OperationRemoved, "DELETE /v1/a", ""),
            change(Kind::PropertyRemoved, "GET /v1/b", "/responses/200/x"),
            change(Kind::PropertyRemoved, "GET /v1/c", "/responses/200/x"),
        ];
        let stale = list.apply(&mut changes);
        assert_eq!(
            changes.iter().map(|c| c.ignored).collect::<Vec<_>>(),
            [true, true, false]
        );
        assert_eq!(stale, ["never:matches"]);
    }
}
