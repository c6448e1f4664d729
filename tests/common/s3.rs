//! A real S3-compatible server for tests: `s3s-fs` (installed by
//! scripts/test.sh into .cache/cargo-bin), on a free port of 127.0.0.1,
//! serving a folder the test owns. Killed and its folder removed on drop.
//! Without the binary the test fails, saying how to install it.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCESS_KEY: &str = "gongshi-test-key";
pub const SECRET_KEY: &str = "gongshi-test-secret-0123456789";

pub struct S3Server {
    child: Child,
    pub port: u16,
    pub root: tempfile::TempDir,
}

/// Where the server binary is: `GONGSHI_S3S_FS`, the project's
/// `.cache/cargo-bin/bin/s3s-fs`, or `s3s-fs` on the PATH.
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("GONGSHI_S3S_FS") {
        return PathBuf::from(p);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/cargo-bin/bin/s3s-fs");
    if local.is_file() {
        return local;
    }
    if let Some(p) = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join("s3s-fs")).find(|p| p.is_file()))
    {
        return p;
    }
    panic!(
        "the S3 test server s3s-fs is not installed, so the object-storage tests cannot run.\n\
         Install it with `bash scripts/test.sh` (it installs what the tests need), or:\n\
         cargo install s3s-fs --version 0.14.1 --features binary --locked --root .cache/cargo-bin --target-dir target/s3s-fs-build"
    );
}

fn wait_ready(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl S3Server {
    /// A server with the buckets named, empty.
    pub fn start(buckets: &[&str]) -> S3Server {
        // A port can be taken between asking and binding: try a few.
        for _ in 0..5 {
            if let Some(server) = S3Server::try_start_on(free_port(), buckets) {
                return server;
            }
        }
        panic!("s3s-fs did not start");
    }

    /// A server on this port (for tests that start it late).
    pub fn start_on(port: u16, buckets: &[&str]) -> S3Server {
        S3Server::try_start_on(port, buckets).unwrap_or_else(|| panic!("s3s-fs did not start on port {port}"))
    }

    fn try_start_on(port: u16, buckets: &[&str]) -> Option<S3Server> {
        let bin = binary();
        let root = tempfile::tempdir().unwrap();
        for b in buckets {
            std::fs::create_dir_all(root.path().join(b)).unwrap();
        }
        {
            let mut child = Command::new(&bin)
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
                .arg(root.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            if wait_ready(&mut child, port) {
                return Some(S3Server { child, port, root });
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        None
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The folder holding a bucket's objects (one file per key).
    pub fn bucket_dir(&self, bucket: &str) -> PathBuf {
        self.root.path().join(bucket)
    }

    /// Stops the server (as a crash would) and waits for it.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}
