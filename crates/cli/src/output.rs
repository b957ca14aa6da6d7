//! Where a command's output goes, without ever panicking: standard output, where a closed pipe
//! (`modsim … | head`) ends the program quietly; standard error, whose failures are ignored
//! (there is nowhere left to report them); or the file of `--output`.
//!
//! A regular file (or a link to one) is written whole or not at all: a temporary file in the
//! same folder, renamed into place. Anything else is never replaced: a character device
//! (`/dev/null`) or a FIFO is written through, and a folder, block device or socket is
//! refused.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::files;

/// Writes `text` to standard output and flushes it. `styled` text goes through anstream,
/// which drops colours where standard output is not a terminal.
///
/// When standard output's reader has gone away (`modsim ... | head`), the program ends here,
/// quietly and with success, as a pager cut short expects: nothing is left to say, and no
/// side output (a chart) follows. Any other failure (`/dev/full`) is returned, to be reported
/// with exit code 2.
pub fn print(text: &str, styled: bool) -> Result<(), String> {
    let result = if styled {
        let mut out = anstream::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    } else {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    };
    result.map_err(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        format!("cannot write to standard output: {e}")
    })
}

/// Writes `text` to standard error; a failure is ignored.
pub fn eprint(text: &str) {
    let mut err = anstream::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Writes `text` to the file at `path`: a regular file whole or not at all, a character
/// device or FIFO written through, anything else refused.
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let shown = path.display();
    let there = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return replace_whole(path, text),
        Err(e) => return Err(format!("cannot write `{shown}`: {e}")),
    };
    if there.file_type().is_symlink() {
        return match fs::metadata(path) {
            // The file the link names is replaced; the link stays.
            Ok(target) if target.is_file() => {
                let real =
                    fs::canonicalize(path).map_err(|e| format!("cannot write `{shown}`: {e}"))?;
                replace_whole(&real, text)
            }
            Ok(target) => write_through(path, &target, text),
            Err(_) => Err(format!(
                "cannot write `{shown}`: it is a symbolic link to a file that does not exist"
            )),
        };
    }
    if there.is_file() {
        return replace_whole(path, text);
    }
    write_through(path, &there, text)
}

/// Writes into what is already there, without replacing it: a character device or a FIFO.
fn write_through(path: &Path, meta: &fs::Metadata, text: &str) -> Result<(), String> {
    let shown = path.display();
    let refuse = |what: &str| {
        Err(format!(
            "cannot write `{shown}`: it is {what}; modsim writes regular files, character devices and FIFOs"
        ))
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let t = meta.file_type();
        if !(t.is_char_device() || t.is_fifo()) {
            return refuse(files::kind(meta));
        }
        // Without waiting: a FIFO nobody reads from is an error, not a hang.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|e| match e.raw_os_error() {
                Some(libc::ENXIO) => {
                    format!("cannot write `{shown}`: it is a FIFO that nothing is reading from")
                }
                _ => format!("cannot write `{shown}`: {e}"),
            })?;
        let opened = file
            .metadata()
            .map_err(|e| format!("cannot write `{shown}`: {e}"))?;
        let o = opened.file_type();
        if (o.is_char_device(), o.is_fifo()) != (t.is_char_device(), t.is_fifo()) {
            return Err(format!(
                "cannot write `{shown}`: it changed while it was being opened"
            ));
        }
        write_waiting(&mut file, text.as_bytes())
            .map_err(|e| format!("cannot write `{shown}`: {e}"))
    }
    #[cfg(not(unix))]
    {
        let _ = text;
        refuse(files::kind(meta))
    }
}

/// Writes all of `bytes` to a file opened without blocking, waiting while its reader is
/// behind.
fn write_waiting(file: &mut fs::File, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match file.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    file.flush()
}

/// Writes `text` to a temporary file beside `path`, then renames it into place, so a failure
/// leaves any old file whole.
fn replace_whole(path: &Path, text: &str) -> Result<(), String> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(
        ".{name}.modsim-tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut created = false;
    let result = (|| {
        // A new file, never one a link at that name points to.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        created = true;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        if created {
            let _ = fs::remove_file(&tmp);
        }
        format!("cannot write `{}`: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("modsim-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_regular_file_is_replaced_whole() {
        let dir = scratch("regular");
        let path = dir.join("out.txt");
        fs::write(&path, "old").unwrap();
        write_file(&path, "new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_file_stays_a_link() {
        let dir = scratch("link");
        let target = dir.join("target.txt");
        fs::write(&target, "old").unwrap();
        let link = dir.join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_file(&link, "new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let dangling = dir.join("dangling.txt");
        std::os::unix::fs::symlink(dir.join("nothing"), &dangling).unwrap();
        assert!(write_file(&dangling, "x").is_err());
        assert!(write_file(&dir, "x").unwrap_err().contains("a folder"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
