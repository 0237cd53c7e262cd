//! Replacing a file atomically: a temporary file beside it (`.xray-setup-XXXXXX.tmp`) is
//! written, flushed to disk and renamed over it, so that a reader never sees half a file.
//!
//! The temporary file must not outlive the run, however it ends:
//! - renamed into place, it is gone;
//! - on an error return it is deleted when dropped;
//! - when a signal ends the run, the binary's handler calls [`remove_live`], which deletes
//!   each one still being written (each is registered here while it exists);
//! - a run killed outright (SIGKILL, a power cut) cannot clean up after itself: [`stale`]
//!   finds what it left, for the next `fix` to remove.

use std::collections::BTreeSet;
use std::fs::Permissions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

/// Temporary files are named `PREFIX` + random letters and digits + `SUFFIX`.
pub const PREFIX: &str = ".xray-setup-";
pub const SUFFIX: &str = ".tmp";

/// The permissions the replaced file gets.
#[derive(Debug, Clone)]
pub enum Mode {
    /// Those of the file it replaces. The temporary file is its owner's alone (0600 on
    /// Unix) until they are set, so a private file is never readable by others meanwhile.
    Keep(Permissions),
    /// Those any new file gets: 0666 less the umask on Unix.
    New,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot create a temporary file beside it: {0}")]
    Create(io::Error),
    #[error("cannot write the temporary file: {0}")]
    Write(io::Error),
    #[error("cannot keep its permissions: {0}")]
    Permissions(io::Error),
    #[error("cannot rename the temporary file over it: {0}")]
    Rename(io::Error),
}

/// Writes `path` atomically: `write` fills a temporary file in the same directory, which
/// is flushed to disk, given `mode`'s permissions and renamed over `path`. On an error
/// `path` is as it was and the temporary file is gone.
pub fn replace(
    path: &Path,
    mode: Mode,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    replace_in(&LIVE, path, mode, write)
}

/// The directory a file is in: `.` for a bare file name.
pub fn directory_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn replace_in(
    live: &Live,
    path: &Path,
    mode: Mode,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    let mut tmp = Temp::create_in(live, directory_of(path), &mode).map_err(Error::Create)?;
    let mut out = io::BufWriter::new(tmp.file_mut());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(Error::Write)?;
    drop(out);
    tmp.file_mut().sync_all().map_err(Error::Write)?;
    if let Mode::Keep(permissions) = mode {
        std::fs::set_permissions(tmp.path(), permissions).map_err(Error::Permissions)?;
    }
    tmp.persist(path).map_err(Error::Rename)
}

/// Deletes every temporary file still being written, and lets no more be made: for a
/// signal handler, just before the process ends. A rename under way finishes first (it
/// holds the same lock), so the file it replaces is whole, old or new.
pub fn remove_live() {
    LIVE.remove_all();
}

/// Temporary files of this module's making under `roots` (a directory searched
/// throughout, without following links; a file's own directory) last modified before
/// `started`: left by a run that was killed before it could remove them, since those a
/// run is writing are newer than its start. Sorted.
pub fn stale(roots: &[PathBuf], started: SystemTime) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in roots {
        let (dir, depth) = if root.is_dir() {
            (root.as_path(), usize::MAX)
        } else {
            (directory_of(root), 1)
        };
        // Unreadable directories are skipped: the audit reports what it cannot read.
        for entry in walkdir::WalkDir::new(dir)
            .max_depth(depth)
            .into_iter()
            .flatten()
        {
            let old = || {
                entry
                    .metadata()
                    .ok()
                    .and_then(|m| m.modified().ok())
                    .is_some_and(|modified| modified < started)
            };
            if entry.file_type().is_file()
                && is_temp_name(&entry.file_name().to_string_lossy())
                && old()
            {
                found.push(entry.into_path());
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// `.xray-setup-` + letters and digits + `.tmp`, as `tempfile` names them.
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|random| {
            !random.is_empty() && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// The temporary files that exist now.
struct Live(Mutex<Registry>);

struct Registry {
    paths: BTreeSet<PathBuf>,
    /// Set by `remove_all`: the run is ending, and no temporary file may be made.
    closed: bool,
}

static LIVE: Live = Live::new();

impl Live {
    const fn new() -> Live {
        Live(Mutex::new(Registry {
            paths: BTreeSet::new(),
            closed: false,
        }))
    }

    /// A panic elsewhere while the lock was held leaves the set as true as ever.
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn remove_all(&self) {
        let mut registry = self.lock();
        registry.closed = true;
        for path in std::mem::take(&mut registry.paths) {
            // Gone already (renamed a moment ago) is as good as removed.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// One temporary file, registered in `live` from its creation (under the lock, so no
/// signal finds it made but not registered) until it is renamed or deleted.
struct Temp<'a> {
    live: &'a Live,
    file: Option<tempfile::NamedTempFile>,
}

impl<'a> Temp<'a> {
    fn create_in(live: &'a Live, dir: &Path, mode: &Mode) -> io::Result<Temp<'a>> {
        let mut registry = live.lock();
        if registry.closed {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "the run is ending",
            ));
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(PREFIX).suffix(SUFFIX);
        #[cfg(unix)]
        if let Mode::New = mode {
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        }
        #[cfg(not(unix))]
        let _ = mode;
        let file = builder.tempfile_in(dir)?;
        registry.paths.insert(file.path().to_path_buf());
        Ok(Temp {
            live,
            file: Some(file),
        })
    }

    fn file_mut(&mut self) -> &mut std::fs::File {
        self.file
            .as_mut()
            .expect("live until persisted")
            .as_file_mut()
    }

    fn path(&self) -> &Path {
        self.file.as_ref().expect("live until persisted").path()
    }

    /// Renames it over `to`; on failure it is deleted.
    fn persist(mut self, to: &Path) -> io::Result<()> {
        let mut registry = self.live.lock();
        let file = self.file.take().expect("persisted once");
        let path = file.path().to_path_buf();
        let result = file.persist(to).map(drop).map_err(|e| {
            drop(e.file); // deletes it
            e.error
        });
        registry.paths.remove(&path);
        result
    }
}

impl Drop for Temp<'_> {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut registry = self.live.lock();
            let path = file.path().to_path_buf();
            drop(file); // deletes it
            registry.paths.remove(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_replacement_keeps_permissions_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, "old").unwrap();
        let before = std::fs::metadata(&path).unwrap().permissions();
        replace(&path, Mode::Keep(before.clone()), |out| {
            out.write_all(b"new")
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions(), before);
        assert_eq!(names(dir.path()), ["main.tf"]);
    }

    #[test]
    fn an_error_after_the_temporary_file_is_made_leaves_the_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, "old").unwrap();
        let live = Live::new();
        // The writer fails halfway.
        let e = replace_in(&live, &path, Mode::New, |out| {
            out.write_all(b"half")?;
            out.flush()?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "cannot write the temporary file: disk full");
        // The rename fails: a directory stands where the file should go.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), "x").unwrap();
        let e = replace_in(&live, &blocked, Mode::New, |out| out.write_all(b"new")).unwrap_err();
        assert!(matches!(e, Error::Rename(_)), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(names(dir.path()), ["blocked", "main.tf"]);
        assert!(live.lock().paths.is_empty());
    }

    #[test]
    fn a_signal_removes_the_files_being_written_and_no_more_are_made() {
        let dir = tempfile::tempdir().unwrap();
        let live = Live::new();
        let writing = Temp::create_in(&live, dir.path(), &Mode::New).unwrap();
        let name = writing
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(is_temp_name(&name), "{name}");
        assert_eq!(names(dir.path()), [name]);
        live.remove_all();
        assert!(names(dir.path()).is_empty());
        // The file it was writing is gone; dropping it later is harmless.
        drop(writing);
        let e = replace_in(&live, &dir.path().join("x"), Mode::New, |_| Ok(())).unwrap_err();
        assert!(matches!(&e, Error::Create(io) if io.kind() == io::ErrorKind::Interrupted));
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn stale_finds_only_old_temporary_files_of_ours() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("modules/app");
        std::fs::create_dir_all(&sub).unwrap();
        let started = SystemTime::now();
        let hour = Duration::from_secs(3600);
        let make = |path: PathBuf, modified: SystemTime| {
            let f = std::fs::File::create(&path).unwrap();
            f.set_modified(modified).unwrap();
            path
        };
        let old_root = make(dir.path().join(".xray-setup-a1B2c3.tmp"), started - hour);
        let old_sub = make(sub.join(".xray-setup-Zz9.tmp"), started - hour);
        // A running writer's (newer than the start), and names that are not ours.
        make(sub.join(".xray-setup-new123.tmp"), started + hour);
        make(sub.join(".xray-setup-notes.txt"), started - hour);
        make(sub.join(".xray-setup-a.b.tmp"), started - hour);
        make(sub.join("xray-setup-abc.tmp"), started - hour);
        std::fs::create_dir(sub.join(".xray-setup-dir.tmp")).unwrap();
        let tf = make(sub.join("main.tf"), started - hour);

        assert_eq!(
            stale(&[dir.path().to_path_buf()], started),
            [old_root.clone(), old_sub.clone()]
        );
        // A file given as the root: its own directory, not below it.
        let own_directory = stale(std::slice::from_ref(&tf), started);
        assert_eq!(own_directory, vec![old_sub.clone()]);
        assert_eq!(
            stale(&[dir.path().to_path_buf(), sub.clone()], started),
            [old_root, old_sub]
        );
    }
}
