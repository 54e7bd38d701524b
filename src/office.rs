//! The office that runs the assessment: its name, its level (省 or 市) and the words that follow
//! from it (全省/全市, 省办/市办), and whom a region calls. Every sentence that speaks of "the
//! whole province" or "the provincial office" takes its words from here, so a prefecture's
//! 通报 says 全市 and its templates name its own 联系人.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// The office's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    #[serde(rename = "省")]
    Province,
    #[serde(rename = "市")]
    City,
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Level, D::Error> {
        String::deserialize(d)?.parse().map_err(de::Error::custom)
    }
}

impl Level {
    /// The level an office's name implies, when nothing says it: a province, an autonomous
    /// region or one of the four municipalities is 省; any other 市, 州, 盟 or 地区 is 市.
    pub fn of_name(name: &str) -> Level {
        const MUNICIPALITIES: [&str; 4] = ["北京市", "天津市", "上海市", "重庆市"];
        let head = name.split("打击").next().unwrap_or(name);
        if head.is_empty()
            || head.contains('省')
            || head.contains("自治区")
            || MUNICIPALITIES.iter().any(|m| head.starts_with(m))
        {
            Level::Province
        } else if ["市", "州", "盟", "地区"].iter().any(|w| head.contains(w)) {
            Level::City
        } else {
            Level::Province
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;

    /// "省" or "市" (also "省级", "市级").
    fn from_str(s: &str) -> Result<Level, String> {
        match s.trim() {
            "省" | "省级" => Ok(Level::Province),
            "市" | "市级" => Ok(Level::City),
            other => Err(format!("级别应为“省”或“市”，实际为“{other}”")),
        }
    }
}

/// The office: in a scheme file either `office = "名称"` (its level read from the name) or an
/// `[office]` table with `name`, `level`, `contact` and `phone`; in a workspace's `kaoping.toml`
/// the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Office {
    /// 办公室全称, e.g. 株洲市打击侵权假冒工作领导小组办公室.
    pub name: String,
    pub level: Level,
    /// 联系人 (may be empty).
    pub contact: String,
    /// 联系电话 (may be empty).
    pub phone: String,
}

impl<'de> Deserialize<'de> for Office {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Office, D::Error> {
        struct Written;
        impl<'de> Visitor<'de> for Written {
            type Value = Office;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("办公室名称，或含 name、level、contact、phone 的表")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Office, E> {
                Ok(Office::named(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Office, A::Error> {
                Table::deserialize(de::value::MapAccessDeserializer::new(map)).map(Office::from)
            }
        }
        d.deserialize_any(Written)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    name: String,
    level: Option<Level>,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    phone: String,
}

impl From<Table> for Office {
    fn from(t: Table) -> Office {
        Office {
            level: t.level.unwrap_or_else(|| Level::of_name(&t.name)),
            name: t.name,
            contact: t.contact,
            phone: t.phone,
        }
    }
}

impl Default for Office {
    /// The office a scheme that names none is issued by.
    fn default() -> Office {
        Office::named("省打击侵权假冒工作领导小组办公室")
    }
}

impl Office {
    /// An office known only by its name: its level read from the name, no contact.
    pub fn named(name: &str) -> Office {
        Office {
            name: name.to_string(),
            level: Level::of_name(name),
            contact: String::new(),
            phone: String::new(),
        }
    }

    /// 全省 or 全市: all the regions it assesses ("全省平均", "全市6个地区").
    pub fn whole(&self) -> &'static str {
        match self.level {
            Level::Province => "全省",
            Level::City => "全市",
        }
    }

    /// 省办 or 市办: the office as regions call it ("请使用省办下发的模板").
    pub fn short(&self) -> &'static str {
        match self.level {
            Level::Province => "省办",
            Level::City => "市办",
        }
    }

    /// Whom to call, as one line for a form a region holds: "联系人：株洲市…办公室 李四，电话：
    /// 0731-1234567"; only the office when no contact is kept.
    pub fn contact_line(&self) -> String {
        match self.person() {
            Some(p) => format!("{}：{} {}", p.0, self.name, p.1),
            None => format!("联系人：{}", self.name),
        }
    }

    /// The 联系人 and 电话 alone, for a document the office signs (its 附注): "联系人：李四，电话：
    /// 0731-1234567"; `None` when neither is kept.
    pub fn contact_note(&self) -> Option<String> {
        self.person()
            .map(|(label, rest)| format!("{label}：{rest}"))
    }

    fn person(&self) -> Option<(&'static str, String)> {
        match (self.contact.trim(), self.phone.trim()) {
            ("", "") => None,
            (c, "") => Some(("联系人", c.to_string())),
            ("", p) => Some(("联系电话", p.to_string())),
            (c, p) => Some(("联系人", format!("{c}，电话：{p}"))),
        }
    }

    /// Whether a 联系人 or 电话 is kept.
    pub fn has_contact(&self) -> bool {
        self.person().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_is_read_from_the_name_when_not_given() {
        for (name, level) in [
            ("广东省打击侵权假冒工作领导小组办公室", Level::Province),
            ("省打击侵权假冒工作领导小组办公室", Level::Province),
            (
                "广西壮族自治区打击侵权假冒工作领导小组办公室",
                Level::Province,
            ),
            ("北京市打击侵权假冒工作领导小组办公室", Level::Province),
            ("株洲市打击侵权假冒工作领导小组办公室", Level::City),
            (
                "湘西土家族苗族自治州打击侵权假冒工作领导小组办公室",
                Level::City,
            ),
            ("阿拉善盟打击侵权假冒工作领导小组办公室", Level::City),
        ] {
            assert_eq!(Level::of_name(name), level, "{name}");
        }
    }

    #[test]
    fn words_follow_the_level() {
        let mut o = Office::named("株洲市打击侵权假冒工作领导小组办公室");
        assert_eq!((o.whole(), o.short()), ("全市", "市办"));
        o.level = Level::Province;
        assert_eq!((o.whole(), o.short()), ("全省", "省办"));
    }

    #[test]
    fn an_office_is_written_as_a_name_or_a_table() {
        #[derive(Debug, Deserialize)]
        struct S {
            office: Office,
        }
        let s: S = toml::from_str("office = \"株洲市打击侵权假冒工作领导小组办公室\"").unwrap();
        assert_eq!(s.office.level, Level::City);
        assert!(!s.office.has_contact());
        let mut s: S = toml::from_str(
            "[office]\nname = \"北京市打击侵权假冒工作领导小组办公室\"\nlevel = \"市\"\ncontact = \"李四\"\nphone = \"010-1\"",
        )
        .unwrap();
        assert_eq!(s.office.level, Level::City);
        assert_eq!(
            s.office.contact_line(),
            "联系人：北京市打击侵权假冒工作领导小组办公室 李四，电话：010-1"
        );
        assert_eq!(
            s.office.contact_note().as_deref(),
            Some("联系人：李四，电话：010-1")
        );
        s.office.contact.clear();
        assert_eq!(s.office.contact_note().as_deref(), Some("联系电话：010-1"));
        let bad = toml::from_str::<S>("[office]\nname = \"x\"\nlevel = \"县\"").unwrap_err();
        assert!(bad.message().contains("县"), "{}", bad.message());
    }

    #[test]
    fn the_level_parses_from_the_words_clerks_type() {
        assert_eq!("市级".parse::<Level>(), Ok(Level::City));
        assert_eq!(" 省".parse::<Level>(), Ok(Level::Province));
        assert!("县".parse::<Level>().is_err());
    }
}
