//! Where the program's files come from: the disk, or the seed scenario embedded in the
//! binary so that `modsim run` works from any folder; and how it writes files, whole or not
//! at all.

use std::fs;
use std::io::Write;
use std::path::Path;

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
    /// Serve the embedded seed's paths from the binary.
    pub embedded: bool,
}

impl Files for DiskOrSeed {
    fn read(&self, path: &str) -> Result<String, String> {
        if self.embedded
            && let Some((_, text)) = EMBEDDED.iter().find(|(p, _)| *p == path)
        {
            return Ok((*text).to_owned());
        }
        read_text(Path::new(path))
    }
}

/// Reads a UTF-8 text file, refusing what is too large or not text.
pub fn read_text(path: &Path) -> Result<String, String> {
    let meta = fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_dir() {
        return Err("it is a folder".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "it is {} bytes, over the limit of {MAX_FILE_BYTES}",
            meta.len()
        ));
    }
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Writes `text` to `path` through a temporary file in the same folder, renamed into place,
/// so a failure leaves any old file whole.
pub fn write_whole(path: &Path, text: &str) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.modsim-tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write `{}`: {e}", path.display())
    })
}

/// A path as shown to the user and as files name each other: `/` separators, no `./`.
pub fn path_text(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}
