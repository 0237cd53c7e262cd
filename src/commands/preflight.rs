//! Checks of `enable`'s arguments that need no account, made before it is read: a
//! mistyped `--journal` or `--undo` path is said at once, not after minutes of reading
//! (or never, when the plan turns out empty).

use crate::cli::EnableArgs;
use anyhow::{Result, bail};
use xray_setup::files::not_a_file;

pub fn enable(args: &EnableArgs) -> Result<()> {
    if let Some(path) = &args.undo
        && let Ok(meta) = std::fs::metadata(path)
        && let Some(why) = not_a_file(&meta)
    {
        // Reading a FIFO would wait for a writer forever.
        bail!("cannot read the journal {}: {why}", path.display());
    }
    if let Some(path) = &args.journal
        && (args.apply || args.undo.is_some())
    {
        let shown = path.display();
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                bail!("--journal {shown}: a directory, not a file");
            }
            bail!("--journal {shown}: the file exists, and a journal never replaces one");
        }
        if let Some(why) = super::directory_problem(path) {
            bail!("--journal {shown}: {why}");
        }
    }
    Ok(())
}
