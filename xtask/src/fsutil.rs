//! File helpers: atomic writes and workspace paths.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`: readers see the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| anyhow::anyhow!("cannot create a temporary file in {}: {e}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    temp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot replace {}: {}", path.display(), e.error))?;
    Ok(())
}

/// `path` as the lock records it: relative to the workspace root when that is
/// possible with at most one `..`, absolute otherwise.
pub fn display_relative(path: &Path, root: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Ok(inside) = absolute.strip_prefix(&root) {
        return inside.display().to_string();
    }
    if let Some(parent) = root.parent()
        && let Ok(beside) = absolute.strip_prefix(parent)
    {
        return Path::new("..").join(beside).display().to_string();
    }
    absolute.display().to_string()
}

/// Resolves a path from the lock or the command line against the root.
pub fn resolve(path: &str, root: &Path) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/file.txt");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn relative_paths_inside_and_beside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("main");
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::create_dir_all(dir.path().join("shared")).unwrap();
        assert_eq!(display_relative(&root.join("openapi"), &root), "openapi");
        assert_eq!(
            display_relative(&dir.path().join("shared"), &root),
            "../shared"
        );
        assert_eq!(resolve("../shared", &root), root.join("../shared"));
        assert_eq!(resolve("/abs", &root), PathBuf::from("/abs"));
    }
}
