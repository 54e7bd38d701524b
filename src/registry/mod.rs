//! The region registry (区划代码, names, population, market entities) and the working-day calendar.
//!
//! Denominators come from here, not from submissions, so that a region cannot move its own
//! denominator.

pub mod calendar;

pub use calendar::Calendar;

/// The registry shipped with the engine: Guangdong's 21 地级以上市.
pub const BUILTIN_REGIONS: &str = include_str!("../../templates/regions-guangdong.csv");

/// One region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// 6-digit GB/T 2260 code.
    pub code: String,
    pub name: String,
    pub parent: String,
    /// 常住人口, 万人.
    pub population: f64,
    /// 市场主体数, 户.
    pub entities: f64,
}

/// All regions of a run, in registry order.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub regions: Vec<Region>,
}

/// A registry file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("地区名录 {path}：{message}")]
    File { path: String, message: String },
    #[error("地区名录第{line}行：{message}")]
    Line { line: usize, message: String },
    #[error("地区名录为空")]
    Empty,
}

const HEADER: [&str; 5] = [
    "区划代码",
    "名称",
    "上级代码",
    "常住人口(万人)",
    "市场主体数(户)",
];

impl Registry {
    /// The registry in `templates/`.
    pub fn builtin() -> Result<Registry, RegistryError> {
        Registry::from_csv(BUILTIN_REGIONS)
    }

    /// Parses registry CSV text (header `区划代码,名称,上级代码,常住人口(万人),市场主体数(户)`).
    pub fn from_csv(text: &str) -> Result<Registry, RegistryError> {
        // A CSV that cannot be parsed says which line in its own message.
        let table =
            crate::tablefile::from_csv(text.as_bytes()).map_err(|message| RegistryError::File {
                path: "地区名录.csv".to_string(),
                message,
            })?;
        Registry::from_table(&table)
    }

    /// Reads the regions of a table whose header is [`HEADER`] (compared after normalising).
    pub fn from_table(table: &crate::tablefile::Table) -> Result<Registry, RegistryError> {
        let line_err = |line: usize, message: String| RegistryError::Line { line, message };
        // Headers typed with a Chinese input method match: （万人） is (万人).
        let cols = table.headers();
        let matches = cols.len() >= HEADER.len()
            && cols
                .iter()
                .zip(HEADER)
                .all(|(c, h)| *c == crate::csvfile::normalise_header(h));
        if !matches {
            return Err(line_err(1, format!("表头应为 {}", HEADER.join(","))));
        }
        let mut regions: Vec<Region> = Vec::new();
        for (i, rec) in table.rows.iter().enumerate().skip(1) {
            let line = i + 1;
            let get = |k: usize| rec.get(k).map(crate::tablefile::text).unwrap_or_default();
            if (0..rec.len()).all(|k| get(k).is_empty()) {
                continue;
            }
            let code = get(0);
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(line_err(line, format!("区划代码“{code}”应为6位数字")));
            }
            if regions.iter().any(|r| r.code == code) {
                return Err(line_err(line, format!("区划代码 {code} 重复")));
            }
            let name = get(1);
            if name.is_empty() {
                return Err(line_err(line, "名称不能为空".to_string()));
            }
            let num = |k: usize, what: &str| -> Result<f64, RegistryError> {
                match get(k).replace(',', "").parse::<f64>() {
                    Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
                    _ => Err(line_err(line, format!("{what}“{}”应为正数", get(k)))),
                }
            };
            regions.push(Region {
                code,
                name,
                parent: get(2),
                population: num(3, "常住人口")?,
                entities: num(4, "市场主体数")?,
            });
        }
        if regions.is_empty() {
            return Err(RegistryError::Empty);
        }
        Ok(Registry { regions })
    }

    /// A hash of every region (code, name, parent, population, entities), in registry order:
    /// what a history records of the registry its quarters were scored against.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for r in &self.regions {
            h.update(format!(
                "{},{},{},{},{}\n",
                r.code, r.name, r.parent, r.population, r.entities
            ));
        }
        format!("{:x}", h.finalize())
    }

    /// The region with this code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_registry_has_21_guangdong_cities() {
        let r = Registry::builtin().unwrap();
        assert_eq!(r.regions.len(), 21);
        assert_eq!(r.get("440300").unwrap().name, "深圳市");
        assert_eq!(r.get("445300").unwrap().name, "云浮市");
        assert!(r.regions.iter().all(|x| x.parent == "440000"));
    }

    /// Regression (issue 9): a registry saved by Excel on Chinese Windows (GB18030), its header
    /// typed with full-width brackets, was refused ("stream did not contain valid UTF-8", then
    /// "wrong header"). Both load.
    #[test]
    fn regression_gb18030_registry_with_full_width_headers_loads() {
        let text = "区划代码,名称,上级代码,常住人口（万人）,市场主体数（户）\r\n\
                    440100,广州市,440000,1882.7,\"3,200,000\"\r\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let r = Registry::from_table(&crate::tablefile::from_csv(&bytes).unwrap()).unwrap();
        assert_eq!(r.regions.len(), 1);
        assert_eq!(r.get("440100").unwrap().name, "广州市");
        assert_eq!(r.get("440100").unwrap().entities, 3_200_000.0);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let err = Registry::from_csv("区划代码,名称,上级代码,常住人口(万人),市场主体数(户)\n440100,广州市,440000,1,2\n44010,坏,440000,1,2\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("第3行"), "{err}");
        let err = Registry::from_csv(
            "区划代码,名称,上级代码,常住人口(万人),市场主体数(户)\n440100,广州市,440000,1,0\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("市场主体数"), "{err}");
    }
}
