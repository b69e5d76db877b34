//! Memory: what reading the input files will need, checked against what the
//! machine (or its container) has before anything is read, and the peak
//! the process reached, for the summary line and the benchmarks.
//!
//! `cx` reads its tables into memory (columns, then the core's key codes);
//! a file larger than memory is refused with a message, not met with the
//! kernel's out-of-memory kill halfway through.

use std::fs;
use std::path::Path;

/// Peak resident memory per byte of CSV, measured by `benches/cli/memory`
/// (2026-12-06) with `--no-calibrate`: 12.8 on 10 million orders of 2.62
/// million customers (the columns as read, then every customer's signals
/// with their reasons). The check uses it rounded up.
pub const BYTES_PER_CSV_BYTE: u64 = 14;

/// The same with the calibrated risk (the default): 12.8 on the demo
/// shop's four tables (100,000 customers) and 24.9 on the 10 million orders,
/// where the backtest fits the model at four cut-offs on every core at once.
pub const BYTES_PER_CSV_BYTE_CALIBRATED: u64 = 26;

/// Memory available to this process: the smaller of the kernel's
/// `MemAvailable` and a cgroup v2 limit (containers), in bytes. `None` where
/// neither can be read (not Linux): then nothing is checked.
pub fn available() -> Option<u64> {
    let meminfo = fs::read_to_string("/proc/meminfo").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("MemAvailable:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
    });
    let cgroup = fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    match (meminfo, cgroup) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The peak resident memory of this process so far (`VmHWM`), in bytes.
pub fn peak() -> Option<u64> {
    fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
    })
}

/// Refuses `files` whose reading and report would need more than
/// `available` bytes (by [`BYTES_PER_CSV_BYTE_CALIBRATED`] when the risk is
/// `calibrated`, else [`BYTES_PER_CSV_BYTE`]), with a message that says
/// what to do.
///
/// # Errors
/// The message, naming the files, their sizes, the estimate and what is
/// available.
pub fn check(files: &[&Path], available: Option<u64>, calibrated: bool) -> Result<(), String> {
    let Some(available) = available else {
        return Ok(());
    };
    let sizes: Vec<(&Path, u64)> = files
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| fs::metadata(p).ok().map(|m| (*p, m.len())))
        .collect();
    let total: u64 = sizes.iter().map(|(_, s)| s).sum();
    let per_byte = if calibrated {
        BYTES_PER_CSV_BYTE_CALIBRATED
    } else {
        BYTES_PER_CSV_BYTE
    };
    let need = total.saturating_mul(per_byte);
    if need <= available {
        return Ok(());
    }
    let list = sizes
        .iter()
        .map(|(p, s)| format!("{} ({})", p.display(), human(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    Err(format!(
        "the input files are too large for this machine's memory: {list} would need about {} \
         to read and report on and {} is available. {}Split the orders by customer (every \
         customer's rows in one part) and report on each part, run on a machine with more \
         memory, or pass --ignore-memory-check to try anyway",
        human(need),
        human(available),
        if calibrated {
            "--no-calibrate needs about half as much (the risk stays the uncalibrated rules). "
        } else {
            ""
        }
    ))
}

/// Bytes as KiB/MiB/GiB with one decimal.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", b / 1024.0),
        1_048_576..1_073_741_824 => format!("{:.1} MiB", b / 1_048_576.0),
        _ => format!("{:.1} GiB", b / 1_073_741_824.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_does_not_fit_and_says_so() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join("orders.csv");
        fs::write(&p, vec![b'x'; 2048]).expect("write");
        assert!(check(&[&p], Some(2048 * BYTES_PER_CSV_BYTE), false).is_ok());
        assert!(check(&[&p], Some(2048 * BYTES_PER_CSV_BYTE), true).is_err());
        assert!(check(&[&p], Some(2048 * BYTES_PER_CSV_BYTE_CALIBRATED), true).is_ok());
        assert!(check(&[&p], None, true).is_ok());
        let e = check(&[&p], Some(1024 * 1024 / 100), false).unwrap_err();
        assert!(e.contains("orders.csv (2.0 KiB)"), "{e}");
        assert!(
            e.contains("about 28.0 KiB") && e.contains("10.2 KiB is available"),
            "{e}"
        );
        assert!(
            e.contains("--ignore-memory-check") && !e.contains("--no-calibrate"),
            "{e}"
        );
        let e = check(&[&p], Some(1024 * 1024 / 100), true).unwrap_err();
        assert!(
            e.contains("about 52.0 KiB") && e.contains("--no-calibrate"),
            "{e}"
        );
    }

    #[test]
    fn reads_this_machine() {
        if cfg!(target_os = "linux") {
            let a = available().expect("MemAvailable");
            let p = peak().expect("VmHWM");
            assert!(a > 1 << 20 && p > 1 << 20, "{a} {p}");
        }
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(1536), "1.5 KiB");
        assert_eq!(human(3 << 30), "3.0 GiB");
    }
}
