//! Wall time of each stage of a run, for `score --timings` and the benchmark (DESIGN.md,
//! "Limits": speed is measured by a script that prints figures, never by a timed test).

use std::time::{Duration, Instant};

/// Stages in the order they ran, each with its wall time.
#[derive(Debug, Clone, Default)]
pub struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    /// Runs `f` as the stage `name` and records how long it took.
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.0.push((name, start.elapsed()));
        value
    }

    /// The stages recorded so far.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.0
    }

    /// The stages of another recorder appended to these.
    pub fn extend(&mut self, other: Timings) {
        self.0.extend(other.0);
    }
}

impl std::fmt::Display for Timings {
    /// `读取报送 1.234 秒；评分 0.012 秒；…；合计 1.300 秒`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: Duration = self.0.iter().map(|(_, d)| *d).sum();
        for (name, d) in &self.0 {
            write!(f, "{name} {:.3} 秒；", d.as_secs_f64())?;
        }
        write!(f, "合计 {:.3} 秒", total.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_stages_in_order_with_their_total() {
        let mut t = Timings::default();
        let v = t.time("甲", || 2 + 2);
        t.time("乙", || std::thread::sleep(Duration::from_millis(5)));
        assert_eq!(v, 4);
        let names: Vec<_> = t.stages().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["甲", "乙"]);
        assert!(t.stages()[1].1 >= Duration::from_millis(5));
        let shown = t.to_string();
        assert!(shown.starts_with("甲 0.0"), "{shown}");
        assert!(
            shown.contains("；乙 0.0") && shown.contains("；合计 0.0"),
            "{shown}"
        );
    }
}
