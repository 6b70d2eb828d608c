//! Drift: comparing generated text with what is checked in.

use similar::TextDiff;

/// Lines of diff printed per file before the rest is summarized.
const MAX_DIFF_LINES: usize = 400;

/// A unified diff of `old` → `new` for `path`, or `None` when equal. Long
/// diffs are cut after `MAX_DIFF_LINES` lines, saying how many were left out.
pub fn unified_diff(path: &str, old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{path} (checked in)"),
            &format!("b/{path} (regenerated)"),
        )
        .to_string();
    let total = text.lines().count();
    if total <= MAX_DIFF_LINES {
        return Some(text);
    }
    let mut cut: String = text
        .lines()
        .take(MAX_DIFF_LINES)
        .flat_map(|line| [line, "\n"])
        .collect();
    cut.push_str(&format!(
        "... {} more diff lines for {path}\n",
        total - MAX_DIFF_LINES
    ));
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert!(unified_diff("a.rs", "x\n", "x\n").is_none());
    }

    #[test]
    fn diff_is_unified_and_names_the_file() {
        let diff = unified_diff("src/a.rs", "one\ntwo\nthree\n", "one\n2\nthree\n").unwrap();
        assert!(diff.contains("--- a/src/a.rs (checked in)"), "{diff}");
        assert!(diff.contains("+++ b/src/a.rs (regenerated)"), "{diff}");
        assert!(diff.contains("-two\n+2\n"), "{diff}");
        assert!(diff.contains("@@"), "{diff}");
    }

    #[test]
    fn long_diffs_are_cut_with_a_count() {
        let old: String = (0..1000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..1000).map(|i| format!("x{i}\n")).collect();
        let diff = unified_diff("big.rs", &old, &new).unwrap();
        assert_eq!(diff.lines().count(), MAX_DIFF_LINES + 1);
        assert!(
            diff.ends_with("more diff lines for big.rs\n"),
            "{}",
            &diff[diff.len() - 80..]
        );
    }
}
