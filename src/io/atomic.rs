//! Atomic output: a file or directory appears whole at its final path, or
//! not at all.
//!
//! Everything is first written into a temporary sibling of the target (same
//! folder, so the same file system) and renamed into place only when complete.
//! A failure part-way leaves nothing behind: the temporary is removed on drop.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// The folder a target lives in (`.` for a bare file name).
fn parent_of(target: &Path) -> &Path {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Gives a finished temporary the permissions of an ordinary output: the
/// temporary was created private (0600/0700) so that no one could read it
/// half-written.
fn set_public(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Writes a file atomically: `fill` writes into a buffered temporary file,
/// which is flushed, synced and renamed to `target`.
///
/// # Errors
///
/// Any I/O error, naming `target`; or whatever `fill` returns. In both cases
/// `target` is untouched.
pub fn write_file(target: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let io_err = |e| Error::io(target, e);
    let temp = tempfile::Builder::new().prefix(".passiton-").tempfile_in(parent_of(target)).map_err(io_err)?;
    let mut writer = BufWriter::with_capacity(1 << 20, temp);
    fill(&mut writer)?;
    let temp = writer.into_inner().map_err(|e| io_err(e.into_error()))?;
    set_public(temp.path(), 0o644).map_err(io_err)?;
    temp.as_file().sync_all().map_err(io_err)?;
    temp.persist(target).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Writes a directory atomically: `fill` writes files into a fresh temporary
/// directory, which is then renamed to `target`.
///
/// An existing empty `target` is replaced. A non-empty one is refused unless
/// `overwrite` is set, in which case it is replaced whole (its old contents go
/// only once the new directory is complete).
///
/// # Errors
///
/// `target` exists and is not an empty directory (without `overwrite`), any
/// I/O error, or whatever `fill` returns. On error `target` is untouched.
pub fn write_dir(target: &Path, overwrite: bool, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let io_err = |e| Error::io(target, e);
    let existing = match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => Some(fs::read_dir(target).map_err(io_err)?.next().is_none()),
        Ok(_) => {
            return Err(Error::Argument(format!("{}: exists and is not a directory", target.display())));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err(e)),
    };
    if existing == Some(false) && !overwrite {
        return Err(Error::Argument(format!(
            "{}: directory is not empty (use --force to replace it)",
            target.display()
        )));
    }
    let parent = parent_of(target);
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let temp = tempfile::Builder::new().prefix(".passiton-").tempdir_in(parent).map_err(io_err)?;
    fill(temp.path())?;
    set_public(temp.path(), 0o755).map_err(io_err)?;
    if existing.is_some() {
        // Move the old directory aside first, so that the rename below cannot
        // fail on a non-empty target, and put it back if the rename fails.
        let aside = tempfile::Builder::new().prefix(".passiton-old-").tempdir_in(parent).map_err(io_err)?;
        let aside_path = aside.path().join("old");
        fs::rename(target, &aside_path).map_err(io_err)?;
        if let Err(e) = fs::rename(temp.path(), target) {
            let _ = fs::rename(&aside_path, target);
            return Err(io_err(e));
        }
        drop(aside);
    } else {
        fs::rename(temp.path(), target).map_err(io_err)?;
    }
    // The temporary directory was renamed away; keep its guard from deleting the target.
    let _ = temp.keep();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_fill_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        let res = write_dir(&target, false, |dir| {
            fs::write(dir.join("half.csv"), "a\n").unwrap();
            Err(Error::Argument("stop".into()))
        });
        assert!(res.is_err());
        assert!(!target.exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
        let file = root.path().join("f.csv");
        assert!(write_file(&file, |_| Err(Error::Argument("stop".into()))).is_err());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }

    #[test]
    fn non_empty_directory_needs_overwrite() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        write_dir(&target, false, |dir| fs::write(dir.join("a"), "1").map_err(|e| Error::io(dir, e))).unwrap();
        let err = write_dir(&target, false, |_| Ok(())).unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        write_dir(&target, true, |dir| fs::write(dir.join("b"), "2").map_err(|e| Error::io(dir, e))).unwrap();
        assert!(!target.join("a").exists());
        assert_eq!(fs::read_to_string(target.join("b")).unwrap(), "2");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
