//! An office's workspace: one folder with `kaoping.toml` (the office, its level, its contact and
//! which scheme, registry and holiday files it uses), copies of those files, and `报送/`,
//! `模板/`, `历史/`, `输出/`. Commands run inside it (or below it) find it upward from the
//! working directory, as git does, and need no paths. Plain settings: it resolves paths, it runs
//! no stage.

pub use crate::office::{Level, Office};
use crate::quarter::Quarter;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The settings file at a workspace's root.
pub const FILE: &str = "kaoping.toml";
/// Where the regions' files for a quarter go: `报送/2026Q1/`.
pub const SUBMISSIONS: &str = "报送";
/// Where the blank templates of a quarter are written: `模板/2026Q1/`.
pub const TEMPLATES: &str = "模板";
/// The history folder.
pub const HISTORY: &str = "历史";
/// Where a quarter's outputs go: `输出/2026Q1/`.
pub const OUTPUTS: &str = "输出";

/// A workspace that cannot be made or read.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{path}：{reason}")]
    Io { path: String, reason: String },
    #[error("{path} 格式有误：{message}")]
    Parse { path: String, message: String },
    #[error("{0} 已经是一个工作文件夹（有 kaoping.toml），未作改动")]
    Exists(String),
}

fn io(path: &Path, e: &std::io::Error) -> WorkspaceError {
    WorkspaceError::Io {
        path: path.display().to_string(),
        reason: crate::text::io_reason(e),
    }
}

/// `kaoping.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub office: Office,
    pub files: Files,
}

/// The files the office keeps, relative to the workspace's root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Files {
    pub scheme: PathBuf,
    pub regions: PathBuf,
    pub holidays: PathBuf,
}

/// A workspace found or made.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub settings: Settings,
}

/// What `init` is given; a file left out is the one shipped with the engine.
#[derive(Debug, Clone)]
pub struct Init<'a> {
    pub office: &'a str,
    pub level: Level,
    pub contact: &'a str,
    pub phone: &'a str,
    pub scheme: Option<&'a Path>,
    pub regions: Option<&'a Path>,
    pub holidays: Option<&'a Path>,
}

impl Workspace {
    /// The workspace at `dir` or above it, if any.
    ///
    /// # Errors
    ///
    /// A `kaoping.toml` that cannot be read or parsed.
    pub fn find(start: &Path) -> Result<Option<Workspace>, WorkspaceError> {
        let start = dunce::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        for dir in start.ancestors() {
            if dir.join(FILE).is_file() {
                return Workspace::open(dir).map(Some);
            }
        }
        Ok(None)
    }

    /// The workspace rooted at `dir`.
    ///
    /// # Errors
    ///
    /// No `kaoping.toml` there, or one that cannot be read or parsed.
    pub fn open(dir: &Path) -> Result<Workspace, WorkspaceError> {
        let path = dir.join(FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, &e))?;
        let settings: Settings = toml::from_str(&text).map_err(|e| WorkspaceError::Parse {
            path: path.display().to_string(),
            message: e.message().to_string(),
        })?;
        Ok(Workspace {
            root: dir.to_path_buf(),
            settings,
        })
    }

    /// Makes a workspace at `dir` (created if need be): `kaoping.toml`, copies of the scheme,
    /// registry and holiday table (the shipped ones where none is given), and the four folders.
    ///
    /// # Errors
    ///
    /// [`WorkspaceError::Exists`] when `dir` already has a `kaoping.toml`; a file that cannot be
    /// read or written.
    pub fn init(dir: &Path, how: &Init) -> Result<Workspace, WorkspaceError> {
        if dir.join(FILE).exists() {
            return Err(WorkspaceError::Exists(dir.display().to_string()));
        }
        std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
        let copy =
            |given: Option<&Path>, name: &str, shipped: &str| -> Result<PathBuf, WorkspaceError> {
                let bytes = match given {
                    Some(p) => std::fs::read(p).map_err(|e| io(p, &e))?,
                    None => shipped.as_bytes().to_vec(),
                };
                let name = match given.and_then(|p| p.extension()) {
                    Some(ext) => format!("{name}.{}", ext.to_string_lossy()),
                    None => format!(
                        "{name}.{}",
                        if name == "指标体系" {
                            "toml"
                        } else {
                            "csv"
                        }
                    ),
                };
                let to = dir.join(&name);
                crate::output::write_atomically(&to, &bytes).map_err(|e| WorkspaceError::Io {
                    path: to.display().to_string(),
                    reason: e.to_string(),
                })?;
                Ok(PathBuf::from(name))
            };
        let files = Files {
            scheme: copy(how.scheme, "指标体系", crate::scheme::BUILTIN_SCHEME)?,
            regions: copy(how.regions, "地区名录", crate::registry::BUILTIN_REGIONS)?,
            holidays: copy(
                how.holidays,
                "节假日",
                crate::registry::calendar::BUILTIN_HOLIDAYS,
            )?,
        };
        for sub in [SUBMISSIONS, TEMPLATES, HISTORY, OUTPUTS] {
            let p = dir.join(sub);
            std::fs::create_dir_all(&p).map_err(|e| io(&p, &e))?;
        }
        let settings = Settings {
            office: Office {
                name: how.office.to_string(),
                level: how.level,
                contact: how.contact.to_string(),
                phone: how.phone.to_string(),
            },
            files,
        };
        let text = toml::to_string(&settings).map_err(|e| WorkspaceError::Parse {
            path: FILE.to_string(),
            message: e.to_string(),
        })?;
        let header = "# kaoping 工作文件夹的设置：办公室、级别（省或市）、联系人，以及所用的指标体系、地区名录和节假日表。\n";
        let path = dir.join(FILE);
        crate::output::write_atomically(&path, format!("{header}{text}").as_bytes()).map_err(
            |e| WorkspaceError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            },
        )?;
        Ok(Workspace {
            root: dir.to_path_buf(),
            settings,
        })
    }

    pub fn scheme(&self) -> PathBuf {
        self.root.join(&self.settings.files.scheme)
    }

    pub fn regions(&self) -> PathBuf {
        self.root.join(&self.settings.files.regions)
    }

    pub fn holidays(&self) -> PathBuf {
        self.root.join(&self.settings.files.holidays)
    }

    /// `报送/<quarter>/`.
    pub fn submissions(&self, q: Quarter) -> PathBuf {
        self.root.join(SUBMISSIONS).join(q.to_string())
    }

    /// `模板/<quarter>/`.
    pub fn templates(&self, q: Quarter) -> PathBuf {
        self.root.join(TEMPLATES).join(q.to_string())
    }

    /// `历史/`.
    pub fn history(&self) -> PathBuf {
        self.root.join(HISTORY)
    }

    /// `输出/<quarter>/`.
    pub fn outputs(&self, q: Quarter) -> PathBuf {
        self.root.join(OUTPUTS).join(q.to_string())
    }

    /// The quarter's ranking workbook in [`Workspace::outputs`].
    pub fn ranking(&self, q: Quarter) -> PathBuf {
        self.outputs(q).join(ranking_name(q))
    }
}

/// The ranking workbook's file name: `考评排名_2026Q1.xlsx`.
pub fn ranking_name(q: Quarter) -> String {
    format!("考评排名_{q}.xlsx")
}

/// The folder of the regions' 反馈单, beside the ranking workbook: `反馈单_2026Q1`.
pub fn feedback_name(q: Quarter) -> String {
    format!("反馈单_{q}")
}

/// The 情况通报 draft, beside the ranking workbook: `情况通报_2026Q1.docx`.
pub fn bulletin_name(q: Quarter) -> String {
    format!("情况通报_{q}.docx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_the_folders_and_settings_and_find_walks_up() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("株洲");
        let ws = Workspace::init(
            &root,
            &Init {
                office: "株洲市打击侵权假冒工作领导小组办公室",
                level: Level::City,
                contact: "李四",
                phone: "0731-1234567",
                scheme: None,
                regions: None,
                holidays: None,
            },
        )
        .unwrap();
        for sub in [SUBMISSIONS, TEMPLATES, HISTORY, OUTPUTS] {
            assert!(root.join(sub).is_dir(), "{sub}");
        }
        assert!(ws.scheme().is_file() && ws.regions().is_file() && ws.holidays().is_file());
        let deep = root.join(SUBMISSIONS).join("2026Q1");
        std::fs::create_dir_all(&deep).unwrap();
        let found = Workspace::find(&deep).unwrap().unwrap();
        assert_eq!(found.settings, ws.settings);
        assert_eq!(found.settings.office.level, Level::City);
        assert!(matches!(
            Workspace::init(
                &root,
                &Init {
                    ..Init {
                        office: "x",
                        level: Level::Province,
                        contact: "",
                        phone: "",
                        scheme: None,
                        regions: None,
                        holidays: None,
                    }
                }
            ),
            Err(WorkspaceError::Exists(_))
        ));
        assert!(Workspace::find(tmp.path()).unwrap().is_none());
    }
}
