//! Reading a file the user named (a config, a baseline, a var file): each way it can fail
//! said in a few words that follow the file's name on one line, and never a hang (reading
//! a FIFO would wait for a writer forever).

use std::path::Path;

/// Why a path cannot be read as a file, in a few words: `no such file or directory`,
/// `a directory, not a file`, `not a regular file (a FIFO, socket or device)`, `permission
/// denied`, or the system's own words.
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if let Some(why) = not_a_file(&meta) {
        return Err(why.into());
    }
    std::fs::read(path).map_err(|e| io_reason(&e))
}

/// Why something that exists is not a file to read, if it is not.
pub fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    if meta.is_dir() {
        Some("a directory, not a file")
    } else if !meta.is_file() {
        Some("not a regular file (a FIFO, socket or device)")
    } else {
        None
    }
}

/// An I/O error in a few words, without the `(os error N)` people need not read.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "a directory, not a file".into(),
        std::io::ErrorKind::NotADirectory => "a part of the path is not a directory".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error ") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// Where text stops being UTF-8: the line and column (1-based, in characters) of the first
/// byte that is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// `bytes` as text, less a leading byte-order mark.
pub fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let good = std::str::from_utf8(&e.as_bytes()[..offset]).expect("valid up to here");
            let (line, column) = crate::model::line_col(good, offset);
            Err(NotUtf8 {
                line,
                column,
                offset,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_utf8_stops() {
        assert_eq!(utf8(b"\xef\xbb\xbfa = 1\n".to_vec()).unwrap(), "a = 1\n");
        assert_eq!(
            utf8(b"a\n# caf\xe9\n".to_vec()).unwrap_err(),
            NotUtf8 {
                line: 2,
                column: 6,
                offset: 7
            }
        );
        assert_eq!(
            utf8(b"\xff".to_vec()).unwrap_err(),
            NotUtf8 {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        // Columns count characters, not bytes.
        assert_eq!(
            utf8("é\u{ff}".bytes().chain([0xff]).collect())
                .unwrap_err()
                .column,
            3
        );
    }

    #[test]
    fn what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap_err(), "a directory, not a file");
        assert_eq!(
            read(&dir.path().join("missing")).unwrap_err(),
            "no such file or directory"
        );
        assert_eq!(
            read(Path::new("/dev/zero")).unwrap_err(),
            "not a regular file (a FIFO, socket or device)"
        );
    }
}
