//! The operating system's own programs: the default browser for an
//! address, the file manager for a folder. Started and left to run (the
//! workbench does not wait for them); no crate needed for three commands.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

/// Opens an address in the default browser or a folder in the file manager.
pub fn open(target: &OsStr) -> std::io::Result<()> {
    let mut cmd = command(target);
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = cmd.spawn()?;
    // Reaped when it ends, so it leaves no zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(windows)]
fn command(target: &OsStr) -> Command {
    let is_url = target.to_str().is_some_and(|t| t.starts_with("http://"));
    if is_url {
        // Not `cmd /c start`: cmd would read `&` in an address as its own.
        let mut c = Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler").arg(target);
        c
    } else {
        let mut c = Command::new("explorer");
        c.arg(target);
        c
    }
}

#[cfg(target_os = "macos")]
fn command(target: &OsStr) -> Command {
    let mut c = Command::new("open");
    c.arg(target);
    c
}

#[cfg(all(unix, not(target_os = "macos")))]
fn command(target: &OsStr) -> Command {
    let mut c = Command::new("xdg-open");
    c.arg(target);
    c
}
