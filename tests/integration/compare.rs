//! `kaoping compare` on the samples' 2025Q4 with the shipped revision
//! (templates/scheme-2025-revision.toml), read back against the two ranking workbooks that
//! `kaoping score` writes with each scheme.

use crate::util::{kaoping, samples, table};
use std::path::{Path, PathBuf};

fn scheme(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("templates")
        .join(name)
}

/// The run's output; exit 0, or 1 for `score` (潮州市's data errors are the samples' own).
fn ok(o: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}

#[test]
fn compare_agrees_with_the_two_ranking_workbooks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let input = samples().join("2025Q4");
    let (a, b) = (
        scheme("scheme-2020.toml"),
        scheme("scheme-2025-revision.toml"),
    );
    let arg = |p: &Path| p.to_str().unwrap().to_string();
    for (s, out) in [(&a, "A.xlsx"), (&b, "B.xlsx")] {
        ok(&kaoping(
            dir,
            &["score", &arg(&input), "--scheme", &arg(s), "--out", out],
        ));
    }
    let said = ok(&kaoping(
        dir,
        &[
            "compare",
            &arg(&input),
            "--scheme",
            &arg(&a),
            "--scheme",
            &arg(&b),
            "--out",
            "比较.xlsx",
        ],
    ));
    // compare writes no history and nothing but its workbook.
    let mut written: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["A.xlsx", "B.xlsx", "比较.xlsx"]);

    // 总排名: 排名 | 排名区间 | 区划代码 | 地区 | 总分 | 等次 | … | 督办措施 (column 8)
    let ranking_a = table(&dir.join("A.xlsx"), "总排名", "排名");
    let ranking_b = table(&dir.join("B.xlsx"), "总排名", "排名");
    // 逐地区比较: 区划代码 | 地区 | A总分 | A排名 | A等次 | A措施 | B总分 | B排名 | B等次 | B措施 | …
    let rows = table(&dir.join("比较.xlsx"), "逐地区比较", "区划代码");
    assert_eq!(rows.len(), 21);
    let find = |t: &[Vec<String>], col: usize, code: &str| -> Vec<String> {
        t.iter().find(|r| r[col] == code).cloned().unwrap()
    };
    let measure = |r: &[String]| {
        if r[8].is_empty() {
            "无".to_string()
        } else {
            r[8].clone()
        }
    };
    for code in ["440100", "440400", "441300"] {
        let row = find(&rows, 0, code);
        let (ra, rb) = (find(&ranking_a, 2, code), find(&ranking_b, 2, code));
        assert_eq!(
            [&row[2], &row[3], &row[4]],
            [&ra[4], &ra[0], &ra[5]],
            "{code} under A"
        );
        assert_eq!(row[5], measure(&ra), "{code} under A");
        assert_eq!(
            [&row[6], &row[7], &row[8]],
            [&rb[4], &rb[0], &rb[5]],
            "{code} under B"
        );
        assert_eq!(row[9], measure(&rb), "{code} under B");
    }
    // 广州市 92.28 under the revision, as worked by hand in revision.rs; 珠海市 (440400) from
    // 不合格 (57.32) to 合格 (60.38), and from 通报 to 预警; 惠州市 (441300) down two places.
    assert_eq!(find(&rows, 0, "440100")[6], "92.28");
    assert_eq!(
        &find(&rows, 0, "440400")[2..10],
        [
            "57.32",
            "17",
            "不合格",
            "通报",
            "60.38",
            "17",
            "合格",
            "预警"
        ]
    );
    assert_eq!(find(&rows, 0, "441300")[11], "降2位");

    // The number of regions whose 等次 changes, counted from the two ranking workbooks.
    let grade_changes = ranking_b
        .iter()
        .filter(|rb| !rb[4].is_empty())
        .filter(|rb| {
            let ra = find(&ranking_a, 2, &rb[2]);
            !ra[4].is_empty() && ra[5] != rb[5]
        })
        .count();
    assert_eq!(grade_changes, 1);
    let summary = table(&dir.join("比较.xlsx"), "比较摘要", "方案A");
    let fact = |key: &str| -> String {
        summary
            .iter()
            .find(|r| r[0] == key)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {key} in {summary:?}"))
    };
    // Page 1 names the region whose 等次 changes, and the ones whose measure does (issue 24).
    assert_eq!(
        fact("等次变化"),
        format!("{grade_changes}个地区的等次不同：珠海市（不合格→合格）")
    );
    assert!(
        fact("措施变化").contains("珠海市（通报→预警）"),
        "{}",
        fact("措施变化")
    );
    assert!(said.contains("等次不同1个"), "{said}");
    // Run without a history: page 1 and the terminal say so, and what it means (issue 24).
    assert!(
        fact("历史数据").starts_with("未读取历史数据"),
        "{}",
        fact("历史数据")
    );
    assert!(said.contains("没有给出 --history"), "{said}");

    // Spearman's ρ from the two workbooks' ranks: Pearson's r of the places, k regions tied at
    // place p each taking p + (k − 1)/2 (湛江市 and 江门市 share 7th under both).
    let both: Vec<(u32, u32)> = ranking_b
        .iter()
        .filter(|rb| !rb[4].is_empty())
        .map(|rb| {
            let ra = find(&ranking_a, 2, &rb[2]);
            (ra[0].parse().unwrap(), rb[0].parse().unwrap())
        })
        .collect();
    let mean_place = |ranks: Vec<u32>| -> Vec<f64> {
        ranks
            .iter()
            .map(|p| {
                let k = ranks.iter().filter(|q| *q == p).count();
                f64::from(*p) + (k as f64 - 1.0) / 2.0
            })
            .collect()
    };
    let x = mean_place(both.iter().map(|b| b.0).collect());
    let y = mean_place(both.iter().map(|b| b.1).collect());
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum::<f64>().sqrt();
    let sy: f64 = y.iter().map(|b| (b - my).powi(2)).sum::<f64>().sqrt();
    let rho = cov / (sx * sy);
    assert!(
        fact("排名相关").starts_with(&format!("斯皮尔曼等级相关系数 {rho:.3}")),
        "{rho} vs {}",
        fact("排名相关")
    );
}

#[test]
fn compare_needs_two_schemes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = samples().join("2025Q4");
    let o = kaoping(
        tmp.path(),
        &[
            "compare",
            input.to_str().unwrap(),
            "--scheme",
            scheme("scheme-2020.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("compare 需要两个 --scheme"), "{err}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}
