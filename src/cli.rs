//! Command-line definitions (clap). Raw arguments only; `commands` turns them into pipeline calls.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// 打击侵权假冒工作考核评价引擎
#[derive(Debug, Parser)]
#[command(
    name = "kaoping",
    version,
    about = "打击侵权假冒工作考核评价：生成填报模板、校验报送、评分排名、预警督办"
)]
pub struct Cli {
    /// 工作文件夹（含 kaoping.toml）；省略时从当前文件夹向上查找
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// The province's files; left out, the ones shipped in `templates/` are used.
#[derive(Debug, Clone, Default, Args)]
pub struct SetupArgs {
    /// 指标体系文件（TOML），默认使用内置的 templates/scheme-2020.toml
    #[arg(long, value_name = "FILE")]
    pub scheme: Option<PathBuf>,
    /// 地区名录（CSV），默认使用内置的 templates/regions-guangdong.csv
    #[arg(long, value_name = "FILE")]
    pub regions: Option<PathBuf>,
    /// 节假日表（CSV：日期,类型,说明；类型为“休”或“班”），默认使用内置的 templates/holidays.csv
    #[arg(long, value_name = "FILE")]
    pub holidays: Option<PathBuf>,
    /// 制表日期（年-月-日，如 2026-01-20）：写在排名工作簿、反馈单、通知和情况通报上，通知的重新报送截止日期从它算起；省略时为今天
    #[arg(long, value_name = "年-月-日", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,
    /// The office named in titles and forms, from the workspace's kaoping.toml (not a flag).
    #[arg(skip)]
    pub office: Option<crate::office::Office>,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("“{s}”不是日期，应写作 年-月-日，如 2026-01-20"))
}

/// What a scoring run reads: the folder, the province's files, the quarter and the history
/// (`score` and `explain` alike).
#[derive(Debug, Clone, Args)]
pub struct ScoreInputs {
    /// 报送文件夹（含省级评定）；在工作文件夹中只写季度，如 2026Q1
    pub dir: PathBuf,
    #[command(flatten)]
    pub setup: SetupArgs,
    /// 季度，如 2025Q4；省略时按文件夹名推断
    #[arg(long)]
    pub quarter: Option<String>,
    /// 历史数据文件夹（每季度一个Parquet文件；连续季度的通报、约谈、挂牌督办依据它判断）
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
}

/// How `score` treats history and the province's findings.
#[derive(Debug, Clone, Args)]
pub struct ScoreOptions {
    /// 允许覆盖历史数据中已有的季度或补录更早的季度
    #[arg(long)]
    pub replace: bool,
    /// 省级评定缺失或无法完整读取时仍然评分（不计入省级评定，工作簿中注明）；默认停止评分
    #[arg(long)]
    pub without_province_findings: bool,
    /// 历史数据文件夹正被另一次评分使用时最多等待的秒数；超时即停止，不写入任何结果
    #[arg(long, value_name = "SECONDS", default_value_t = crate::history::DEFAULT_WAIT.as_secs())]
    pub wait: u64,
    /// 同时为每个地区生成反馈单（未评分的地区为退回修改通知或补报通知），写入此文件夹；只写 --feedback 时写在排名工作簿旁的 反馈单_季度/
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<Option<PathBuf>>,
    /// 同时起草情况通报（Word 文档，.docx），写入此文件；只写 --bulletin 时写在排名工作簿旁的 情况通报_季度.docx
    #[arg(long, value_name = "FILE.docx")]
    pub bulletin: Option<Option<PathBuf>>,
    /// 情况通报中“下一步工作要求”的文本文件（每行一段）；省略时用内置的默认文字
    #[arg(long, value_name = "FILE.txt", requires = "bulletin")]
    pub requirements: Option<PathBuf>,
    /// 情况通报的发文字号，如 粤打假办〔2026〕3号；省略时留空待填
    #[arg(long, value_name = "文号", requires = "bulletin")]
    pub number: Option<String>,
    /// 情况通报版记中的抄送机关，如 省委政法委，省公安厅
    #[arg(long, value_name = "机关", requires = "bulletin")]
    pub copy_to: Option<String>,
    /// 在标准错误输出各阶段耗时（读取报送、评分、统计、写工作簿等），用于性能测量
    #[arg(long)]
    pub timings: bool,
    /// --history 指定的文件夹不存在时新建（第一次评分、历史数据从本季度开始）；默认停止，以免路径写错时从空历史开始
    #[arg(long)]
    pub new_history: bool,
    /// 历史数据中以前各季度用的是另一个指标体系（编号不同）或另一份地区名录时，说明确需更换的理由（写入评分说明）；默认停止评分
    #[arg(long, value_name = "理由")]
    pub scheme_change: Option<String>,
}

impl Default for ScoreOptions {
    /// As on the command line without options (waiting the default time for the history lock).
    fn default() -> Self {
        ScoreOptions {
            replace: false,
            without_province_findings: false,
            wait: crate::history::DEFAULT_WAIT.as_secs(),
            feedback: None,
            bulletin: None,
            requirements: None,
            number: None,
            copy_to: None,
            timings: false,
            new_history: false,
            scheme_change: None,
        }
    }
}

impl ScoreOptions {
    /// What the run sends after scoring; `requirements` is the text of `--requirements`.
    pub fn sends<'a>(&'a self, requirements: Option<&'a str>) -> crate::pipeline::Sends<'a> {
        crate::pipeline::Sends {
            feedback: self.feedback.as_ref().and_then(Option::as_deref),
            bulletin: self.bulletin.as_ref().and_then(Option::as_deref),
            requirements,
            number: self.number.as_deref(),
            copy_to: self.copy_to.as_deref(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 为每个地区生成空白填报模板
    Template {
        #[command(flatten)]
        setup: SetupArgs,
        /// 季度，如 2025Q4（也可写在 --quarter 后）
        #[arg(value_name = "QUARTER")]
        at: Option<String>,
        /// 季度，如 2025Q4
        #[arg(long)]
        quarter: Option<String>,
        /// 输出文件夹；在工作文件夹中省略时为 模板/季度
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// 新建一个办公室的工作文件夹：kaoping.toml、指标体系、地区名录、节假日表，以及 报送/ 模板/ 历史/ 输出/
    Init {
        /// 工作文件夹（不存在时新建）
        dir: PathBuf,
        /// 办公室全称，如 株洲市打击侵权假冒工作领导小组办公室
        #[arg(long)]
        office: String,
        /// 级别：省 或 市
        #[arg(long, default_value = "省")]
        level: String,
        /// 联系人
        #[arg(long, default_value = "")]
        contact: String,
        /// 联系电话
        #[arg(long, default_value = "")]
        phone: String,
        #[command(flatten)]
        setup: SetupArgs,
    },
    /// 校验一个文件夹中的全部报送，输出数据质量工作簿；有错误时退出码为1
    Check {
        /// 报送文件夹；在工作文件夹中只写季度，如 2026Q1
        dir: PathBuf,
        #[command(flatten)]
        setup: SetupArgs,
        /// 季度，如 2025Q4；省略时按文件夹名推断
        #[arg(long)]
        quarter: Option<String>,
        /// 数据质量工作簿，默认为 数据质量_季度.xlsx
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 同时为数据有误、文件无法读取和未报送的地区写退回修改通知或补报通知（不评分，不写历史数据），写入此文件夹；只写 --feedback 时写在数据质量工作簿旁的 反馈单_季度/
        #[arg(long, value_name = "DIR")]
        feedback: Option<Option<PathBuf>>,
    },
    /// 评分、排名、预警督办，输出排名工作簿并追加历史数据
    Score {
        #[command(flatten)]
        inputs: ScoreInputs,
        /// 排名工作簿，默认为 考评排名_季度.xlsx
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        options: ScoreOptions,
    },
    /// 说明一个地区的得分如何得出：逐项指标的数值、规则和得分，加分、扣分、否决、排名和措施（与排名工作簿一致；不写入任何文件）
    Explain {
        #[command(flatten)]
        inputs: ScoreInputs,
        /// 地区：区划代码或名称，如 440100 或 广州市（用 --year 时只写地区：explain --year 2025 揭阳市）
        region: Option<String>,
        /// 省级评定缺失或无法完整读取时仍然说明（不计入省级评定）
        #[arg(long)]
        without_province_findings: bool,
        /// 说明年度考核结果（按指标体系 [annual]，读 --history 中本年度的四个季度），如 2025
        #[arg(long)]
        year: Option<i32>,
        /// 与 --year 同用：年度评定文件（同 annual --findings）
        #[arg(long, value_name = "FILE")]
        findings: Option<PathBuf>,
        /// 与 --year 同用：历史数据缺少季度时仍然说明（同 annual --partial）
        #[arg(long)]
        partial: bool,
    },
    /// 方案比较：同一批报送分别按两个指标体系评分，输出比较工作簿（总分、排名、等次、措施的变化，排名相关和名次对照图）；不写入历史数据
    Compare {
        /// 报送文件夹（含省级评定）；在工作文件夹中只写季度，如 2026Q1
        dir: PathBuf,
        /// 两个指标体系文件（TOML）：先写现行方案（方案A），再写拟采用的方案（方案B），如
        /// --scheme templates/scheme-2020.toml --scheme templates/scheme-2025-revision.toml
        #[arg(long = "scheme", value_name = "FILE", required = true, num_args = 1)]
        schemes: Vec<PathBuf>,
        /// 地区名录（CSV），默认使用内置的 templates/regions-guangdong.csv
        #[arg(long, value_name = "FILE")]
        regions: Option<PathBuf>,
        /// 节假日表（CSV：日期,类型,说明；类型为“休”或“班”），默认使用内置的 templates/holidays.csv
        #[arg(long, value_name = "FILE")]
        holidays: Option<PathBuf>,
        /// 季度，如 2025Q4；省略时按文件夹名推断
        #[arg(long)]
        quarter: Option<String>,
        /// 历史数据文件夹（只读：连续季度的通报、约谈、挂牌督办依据它判断）
        #[arg(long, value_name = "DIR")]
        history: Option<PathBuf>,
        /// 比较工作簿，默认为 方案比较_季度.xlsx
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 省级评定缺失或无法完整读取时仍然比较（不计入省级评定）
        #[arg(long)]
        without_province_findings: bool,
    },
    /// 生成模拟填报数据（用于演示、测试和性能测试）
    Samples {
        /// 地区数：不超过名录地区数时取名录前N个，否则生成模拟名录
        #[arg(long, default_value_t = 21)]
        regions: usize,
        /// 季度范围，如 2025Q1..2025Q4
        #[arg(long, default_value = "2025Q1..2025Q4")]
        quarters: String,
        /// 随机种子
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        /// 每本台账最多行数
        #[arg(long, default_value_t = 1000)]
        max_ledger_rows: usize,
        /// 输出文件夹
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// 地区名录（CSV），默认使用内置名录
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
        /// 按同一报送规范、以其他程序的方式写出（只有规定的工作表、表头和数值，没有模板的样式、下拉列表、保护和隐藏工作表），用于比较读取性能
        #[arg(long)]
        other_program: bool,
    },
    /// 查看节假日表对某一年的掌握情况：放假（休）、调休上班（班）和每月工作日数；未收录该年时退出码为1
    Calendar {
        /// 年份，如 2027
        #[arg(long)]
        year: i32,
        /// 节假日表（CSV：日期,类型,说明；类型为“休”或“班”），默认使用内置的 templates/holidays.csv
        #[arg(long, value_name = "FILE")]
        holidays: Option<PathBuf>,
    },
    /// 年度考核：按指标体系 [annual] 的规定，由历史数据中本年度四个季度的结果合成年度总分、排名和等次，输出年度考核工作簿
    Annual {
        /// 年份，如 2025
        #[arg(long)]
        year: i32,
        /// 历史数据文件夹（score 每季度写入的那个）；在工作文件夹中省略时为 历史/
        #[arg(long, value_name = "DIR")]
        history: Option<PathBuf>,
        /// 年度考核工作簿，默认为 年度考核_年份.xlsx（在工作文件夹中写在 输出/ 中）
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 历史数据缺少本年度某个季度时仍然计算（每页注明“年度结果未完成”）；默认停止
        #[arg(long)]
        partial: bool,
        /// 年度评定文件（CSV 或 Excel，每个地区一行：区划代码，以及指标体系 [annual] 规定的年终检查、年度加减分、年度一票否决等列）
        #[arg(long, value_name = "FILE")]
        findings: Option<PathBuf>,
        /// 同时为每个地区生成年度反馈单，写入此文件夹；只写 --feedback 时写在年度考核工作簿旁的 年度反馈单_年份/
        #[arg(long, value_name = "DIR")]
        feedback: Option<Option<PathBuf>>,
        /// 同时起草年度情况通报（.docx）；只写 --bulletin 时写在年度考核工作簿旁的 年度情况通报_年份.docx
        #[arg(long, value_name = "FILE.docx")]
        bulletin: Option<Option<PathBuf>>,
        #[command(flatten)]
        setup: SetupArgs,
    },
    /// 为工作文件夹中的收表页面建立账号：办公室、领导和地区名录中的每个地区；初始密码写入 输出/账号分发_*.xlsx
    Accounts {
        /// 工作文件夹；省略时从当前目录向上查找
        dir: Option<PathBuf>,
    },
    /// 启动收表页面：各地区上传报送表并立即看到校验结果，办公室查看收表进度、审核
    Serve {
        /// 工作文件夹；省略时从当前目录向上查找
        dir: Option<PathBuf>,
        /// 监听地址；默认只供本机访问
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "地址:端口")]
        listen: std::net::SocketAddr,
        /// 收表的季度，如 2026Q1；省略时为上一个季度
        #[arg(long)]
        quarter: Option<String>,
        /// 演示：在临时文件夹中用 samples/ 建一个工作文件夹和账号（密码显示在终端），收2025Q4
        #[arg(long, conflicts_with = "dir")]
        demo: bool,
        /// HTTPS 证书（PEM 格式，可含证书链）；与 --tls-key 一起给出时以 HTTPS 提供服务
        #[arg(long, requires = "tls_key", value_name = "证书文件")]
        tls_cert: Option<PathBuf>,
        /// HTTPS 私钥（PEM 格式）
        #[arg(long, requires = "tls_cert", value_name = "私钥文件")]
        tls_key: Option<PathBuf>,
    },
    /// 用 samples/ 中的四个季度样例完整演示一遍，结果写入 out/
    Demo {
        /// 样例文件夹
        #[arg(long, default_value = "samples")]
        samples: PathBuf,
        /// 输出文件夹
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
}

/// A command-line mistake (an unknown flag, a missing or malformed value) in Chinese, with the
/// usage line and where the help is (`command`: the subcommand typed, if any); `None` for what
/// clap prints as it is (help, the version, help shown for a command given without its
/// arguments).
pub fn mistake(e: &clap::Error, command: Option<&str>) -> Option<String> {
    use clap::error::{ContextKind as C, ContextValue as V, ErrorKind as K};
    let get = |kind: C| -> String {
        match e.get(kind) {
            Some(V::String(s)) => s.clone(),
            Some(V::Strings(v)) => v.join("、"),
            Some(V::StyledStr(s)) => s.to_string(),
            Some(V::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let arg = get(C::InvalidArg);
    let value = get(C::InvalidValue);
    let mut words = match e.kind() {
        K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand => {
            return None
        }
        K::UnknownArgument => format!("没有 {arg} 这个选项"),
        K::InvalidSubcommand => format!("没有 {} 这个命令", get(C::InvalidSubcommand)),
        K::MissingSubcommand => "缺少命令".to_string(),
        K::MissingRequiredArgument => format!("缺少必须给出的 {arg}"),
        K::ArgumentConflict => {
            let prior = get(C::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("{arg} 只能给出一次")
            } else {
                format!("{arg} 不能与 {prior} 同时使用")
            }
        }
        K::InvalidValue if value.is_empty() => format!("{arg} 后面缺少值"),
        K::InvalidValue => format!("{arg} 的值“{value}”无效"),
        K::ValueValidation => {
            let why = std::error::Error::source(e).map(ToString::to_string);
            let why = match why.as_deref() {
                Some("invalid socket address syntax") => {
                    "应为“地址:端口”，如 127.0.0.1:8080 或 0.0.0.0:8080".to_string()
                }
                Some("invalid digit found in string") => "应为整数".to_string(),
                Some("number too large to fit in target type") => "数字太大".to_string(),
                Some("cannot parse integer from empty string") => "不能为空".to_string(),
                Some(w) => w.to_string(),
                None => String::new(),
            };
            if why.is_empty() {
                format!("{arg} 的值“{value}”无效")
            } else {
                format!("{arg} 的值“{value}”无效：{why}")
            }
        }
        K::TooManyValues => format!("{arg} 给出的值太多：“{value}”"),
        K::TooFewValues | K::WrongNumberOfValues => format!("{arg} 给出的值个数不对"),
        K::NoEquals => format!("{arg} 的值须用等号给出，如 {arg}=值"),
        _ => "命令行有误".to_string(),
    };
    let valid = get(C::ValidValue);
    if !valid.is_empty() {
        words.push_str(&format!("；可用的值：{valid}"));
    }
    let suggested = [get(C::SuggestedArg), get(C::SuggestedSubcommand)]
        .into_iter()
        .find(|s| !s.is_empty());
    if let Some(s) = suggested {
        words.push_str(&format!("；是不是要写 {s}？"));
    }
    let usage = get(C::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let mut out = format!("错误：{words}\n");
    if !usage.is_empty() {
        out.push_str(&format!("\n用法：{usage}\n"));
    }
    let help = command.map_or_else(
        || "kaoping --help".to_string(),
        |c| format!("kaoping {c} --help"),
    );
    out.push_str(&format!("\n全部选项的说明：{help}\n"));
    Some(out)
}
