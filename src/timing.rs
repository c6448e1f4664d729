//! Stage timings on stderr when `GONGSHI_TIMINGS` is set: for finding where
//! a build spends its time, not for tests.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

fn last() -> &'static Mutex<Option<Instant>> {
    static LAST: OnceLock<Mutex<Option<Instant>>> = OnceLock::new();
    LAST.get_or_init(|| Mutex::new(None))
}

/// Prints the time since the previous mark, naming the stage that ended.
pub fn mark(stage: &str) {
    if std::env::var_os("GONGSHI_TIMINGS").is_none() {
        return;
    }
    let mut l = last().lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    if let Some(prev) = *l {
        eprintln!("[timing] {stage}: {:.1} ms{}", (now - prev).as_secs_f64() * 1000.0, resident());
    }
    *l = Some(now);
}

/// Prints how long one stage took since `start`, whatever ran beside it.
pub fn took(stage: &str, start: Instant) {
    if std::env::var_os("GONGSHI_TIMINGS").is_some() {
        eprintln!("[timing] {stage} (own): {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    }
}

/// ", 74 MiB resident (peak 80)" where the OS says (Linux), else nothing:
/// the peak so far shows which stage raised it.
fn resident() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mib = |field: &str| {
        let line = status.lines().find(|l| l.starts_with(field))?;
        line[field.len()..].trim().trim_end_matches("kB").trim().parse::<u64>().ok().map(|kb| kb >> 10)
    };
    match (mib("VmRSS:"), mib("VmHWM:")) {
        (Some(now), Some(peak)) => format!(", {now} MiB resident (peak {peak})"),
        _ => String::new(),
    }
}
