//! Where the program's files come from: the disk, through one bounded reader, or the seed
//! scenario embedded in the binary so that `modsim run` works from any folder; and the walk of
//! folders that `check` and `test` search.
//!
//! Every input (policies, reforms, scenarios, posts, exercises, keys, shards) is read by
//! [`read_text`]: regular files only (a device, a FIFO or a folder is refused by name, and
//! opening never waits on a FIFO), at most [`MAX_FILE_BYTES`] bytes counted as they are read
//! (a size the file system reports is never trusted to bound the read), and UTF-8 errors
//! located by line and column.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use modsim_policy::{FileProblems, Problem};
use modsim_sim::Files;

/// Largest file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// The name of the embedded seed scenario.
pub const SEED_SCENARIO: &str = "seeds/parler-aws-2021/scenario.toml";

const EMBEDDED: &[(&str, &str)] = &[
    (
        SEED_SCENARIO,
        include_str!("../../../seeds/parler-aws-2021/scenario.toml"),
    ),
    (
        "seeds/parler-aws-2021/posts.csv",
        include_str!("../../../seeds/parler-aws-2021/posts.csv"),
    ),
    (
        "policies/aws-2021-01.toml",
        include_str!("../../../policies/aws-2021-01.toml"),
    ),
];

/// Files from the disk, with the seed's files served from the binary.
pub struct DiskOrSeed {
    /// Serve the embedded seed's paths from the binary when they are not on disk.
    pub embedded: bool,
}

impl DiskOrSeed {
    /// True when `path` is served from the binary: the embedded seed is in use and nothing of
    /// that name is on disk. A file the user names, or edits in place, is always read from disk.
    pub fn serves_embedded(&self, path: &str) -> bool {
        self.embedded
            && fs::symlink_metadata(path).is_err()
            && EMBEDDED.iter().any(|(p, _)| *p == path)
    }
}

impl Files for DiskOrSeed {
    fn read(&self, path: &str) -> Result<String, String> {
        if self.serves_embedded(path)
            && let Some((_, text)) = EMBEDDED.iter().find(|(p, _)| *p == path)
        {
            return Ok((*text).to_owned());
        }
        read_text(Path::new(path)).map_err(|e| e.to_string())
    }
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system's error: not found, no permission, ...
    Io(io::Error),
    /// A folder where a file was expected.
    Folder,
    /// A device, FIFO or socket: what it is.
    NotRegular(&'static str),
    /// Over [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not UTF-8: where the first bad byte is, and the text up to it (lossy after it).
    NotUtf8 {
        /// Its offset.
        byte: usize,
        /// Its line, from 1.
        line: usize,
        /// Its column, in characters, from 1.
        column: usize,
        /// Its value.
        value: u8,
        /// The file's text, the bad bytes replaced.
        lossy: String,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Folder => f.write_str("it is a folder"),
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge => write!(f, "it is over the limit of {MAX_FILE_BYTES} bytes"),
            ReadError::NotUtf8 {
                byte,
                line,
                column,
                value,
                ..
            } => write!(
                f,
                "it is not UTF-8 text: byte {byte} (line {line}, column {column}) is `0x{value:02x}`"
            ),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

/// Reads a UTF-8 text file: a regular file (or a link to one) of at most [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    // What the path names, before opening it: opening a FIFO for reading would wait for a
    // writer. The file is opened without waiting all the same and checked again once open, in
    // case it changed in between.
    let named = fs::metadata(path)?;
    regular(&named)?;
    let file = open_for_reading(path)?;
    let opened = file.metadata()?;
    regular(&opened)?;
    if opened.len() > MAX_FILE_BYTES {
        // Refused without reading; the limit itself is kept on the bytes read, below.
        return Err(ReadError::TooLarge);
    }
    let bytes = read_bounded(file, MAX_FILE_BYTES, opened.len())?.ok_or(ReadError::TooLarge)?;
    String::from_utf8(bytes).map_err(|e| {
        let byte = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        // Control characters shown as `?` (same length, so offsets hold): a binary file's
        // excerpt must not drive the terminal.
        let lossy: String = String::from_utf8_lossy(&bytes)
            .chars()
            .map(|c| {
                if c.is_control() && !matches!(c, '\n' | '\t' | '\r') && c.is_ascii() {
                    '?'
                } else {
                    c
                }
            })
            .collect();
        let (line, column) = modsim_policy::diagnostic::line_column(&lossy, byte);
        ReadError::NotUtf8 {
            byte,
            line,
            column,
            value: bytes.get(byte).copied().unwrap_or(0),
            lossy,
        }
    })
}

/// Reads a file for `modsim check`: its text, or its problem located in it (a UTF-8 error
/// underlined at its line and column).
pub fn read_located(name: &str) -> Result<String, FileProblems> {
    read_text(Path::new(name)).map_err(|e| match e {
        ReadError::NotUtf8 {
            byte,
            line,
            column,
            value,
            lossy,
        } => {
            // The bad byte is shown as U+FFFD, three bytes long, in the lossy text.
            let end = lossy
                .get(byte..)
                .and_then(|rest| rest.chars().next())
                .map_or(byte, |c| byte + c.len_utf8());
            FileProblems::new(
                name,
                &lossy,
                vec![
                    Problem::error(
                        format!(
                            "the file is not UTF-8 text: byte {byte} (line {line}, column {column}) is `0x{value:02x}`"
                        ),
                        Some(byte..end),
                    )
                    .with_help("save the file as UTF-8; policies and scenarios are text"),
                ],
            )
        }
        other => FileProblems::new(
            name,
            "",
            vec![
                Problem::error(format!("cannot read `{name}`: {other}"), None).with_help(
                    "name a policy, scenario, reform or exercise file, or a folder holding some",
                ),
            ],
        ),
    })
}

/// Refuses what is not a regular file, saying what it is.
fn regular(meta: &fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    Err(ReadError::NotRegular(kind(meta)))
}

/// What a file that is not regular is, in words.
pub fn kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (a named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else if meta.file_type().is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Opens a file for reading without waiting, were it a FIFO with no writer.
fn open_for_reading(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Reads at most `limit` bytes; `None` when there are more. `hint` (the size the file system
/// reports) only sizes the buffer.
fn read_bounded(reader: impl Read, limit: u64, hint: u64) -> io::Result<Option<Vec<u8>>> {
    let capacity = usize::try_from(hint.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// The files under `dir` whose names `wanted` accepts, sorted, skipping hidden folders and
/// `target`. Links are followed, but no folder is entered twice (told by device and inode),
/// so a link back up the tree ends the walk instead of looping.
pub fn walk(dir: &Path, wanted: &dyn Fn(&str) -> bool) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut seen = Vec::new();
    if let Ok(meta) = fs::metadata(dir) {
        seen.push(identity(&meta));
    }
    walk_into(dir, wanted, &mut seen, &mut found)?;
    Ok(found)
}

fn walk_into(
    dir: &Path,
    wanted: &dyn Fn(&str) -> bool,
    seen: &mut Vec<(u64, u64)>,
    found: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A broken link is left to the reader only if its name is wanted.
        let meta = fs::metadata(&path);
        if meta.as_ref().is_ok_and(fs::Metadata::is_dir) {
            if name.starts_with('.') || name == "target" {
                continue;
            }
            let id = meta.as_ref().map(identity).unwrap_or_default();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            // A folder that cannot be listed is skipped, as before.
            let _ = walk_into(&path, wanted, seen, found);
        } else if wanted(&name) {
            found.push(path);
        }
    }
    Ok(())
}

/// A folder's identity: its device and inode (on Unix), so that two paths to it are one.
fn identity(meta: &fs::Metadata) -> (u64, u64) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (0, 0)
    }
}

/// A path as shown to the user and as files name each other: `/` separators, no `./`.
pub fn path_text(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The limit holds on the bytes read, whatever size the file system reported.
    #[test]
    fn the_limit_is_kept_on_the_bytes_read() {
        let text = [b'x'; 100];
        assert_eq!(
            read_bounded(&text[..], 100, 0).unwrap().map(|b| b.len()),
            Some(100)
        );
        assert_eq!(read_bounded(&text[..], 99, 0).unwrap(), None);
        // A reported size of 1 does not let more through.
        assert_eq!(read_bounded(&text[..], 50, 1).unwrap(), None);
        // Nor does an endless reader.
        assert_eq!(read_bounded(io::repeat(0), 1000, u64::MAX).unwrap(), None);
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_column() {
        let dir = std::env::temp_dir().join(format!("modsim-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.toml");
        fs::write(&path, b"[policy]\nid = \"\xff\"\n").unwrap();
        let err = read_text(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is not UTF-8 text: byte 15 (line 2, column 7) is `0xff`"
        );
        assert!(matches!(read_text(&dir), Err(ReadError::Folder)));
        fs::remove_dir_all(&dir).unwrap();
    }
}
