//! The annual 情况通报 draft: the year's 等次 and ranking, the regions vetoed or under an annual
//! measure with their reasons, the 下一步工作要求, and the year's ranking table as its 附件 —
//! the blocks of the quarterly bulletin, laid out by the same `layout`.

use super::content::{addressee_for, chinese_date, requirement_paragraphs, Block};
use crate::annual::AnnualResult;
use crate::flag::Measure;
use crate::report::annual::AnnualReport;
use chrono::NaiveDate;

/// The annual bulletin's blocks, dated `date`.
pub(super) fn blocks(r: &AnnualReport, issue: &super::Issue, date: NaiveDate) -> Vec<Block> {
    let s = r.scheme;
    let y = r.year.year;
    let number = issue.number.map_or_else(
        || format!("　　　　〔{}〕　　号", date.format("%Y")),
        |n| n.trim().to_string(),
    );
    let codes: Vec<&str> = r.year.regions.iter().map(|a| a.code.as_str()).collect();
    let mut out = vec![
        Block::Number(number),
        Block::Blank,
        Block::Title(vec![
            format!("关于{y}年度打击侵权假冒工作"),
            "考核评价情况的通报".to_string(),
        ]),
        Block::Blank,
        Block::Addressee(addressee_for(&s.office, &codes)),
        Block::Body(format!(
            "根据《{}》，我办对各地{y}年度打击侵权假冒工作进行了考核评价。年度结果由四个季度的考核结果合成（{}）。现将有关情况通报如下：",
            s.name,
            s.annual.describe()
        )),
    ];
    if let Some(w) = r.year.incomplete() {
        out.push(Block::Body(format!(
            "（{w}，本通报为草稿，待补齐后重新生成。）"
        )));
    }
    let scored: Vec<&AnnualResult> = r.year.regions.iter().filter(|a| a.scored()).collect();
    out.push(Block::Heading1("一、总体情况".to_string()));
    let counts: Vec<String> = s
        .grades
        .iter()
        .map(|g| {
            let n = scored.iter().filter(|a| a.grade == g.name).count();
            format!("{}{n}个", g.name)
        })
        .collect();
    out.push(Block::Body(format!(
        "全年参加考核评价的地区{}个。按年度总分和考核评价办法，{}。",
        scored.len(),
        counts.join("、")
    )));
    out.push(Block::Heading1("二、年度排名".to_string()));
    if s.annual.publish_ranks {
        let names = |rs: &[&AnnualResult]| {
            rs.iter()
                .map(|a| format!("{}（{}分）", a.name, s.fixed(a.total)))
                .collect::<Vec<_>>()
                .join("、")
        };
        let top: Vec<&AnnualResult> = scored.iter().take(3).copied().collect();
        out.push(Block::Body(format!(
            "年度总分居前的地区是：{}。",
            names(&top)
        )));
        let fail: Vec<&AnnualResult> = scored
            .iter()
            .filter(|a| s.grades.last().is_some_and(|g| g.name == a.grade))
            .copied()
            .collect();
        if !fail.is_empty() {
            out.push(Block::Body(format!(
                "年度等次为{}的地区是：{}。",
                fail[0].grade,
                names(&fail)
            )));
        }
        out.push(Block::Body(
            "各地区年度总分、名次和等次见附件。".to_string(),
        ));
    } else {
        out.push(Block::Body(
            "按规定只公布等次，排名不分前后，各地区等次见附件。".to_string(),
        ));
    }
    out.push(Block::Heading1("三、一票否决与年度督办".to_string()));
    let mut said = false;
    for a in r.year.regions.iter().filter(|a| a.downgrade.is_some()) {
        out.push(Block::Body(format!(
            "{}：{}。",
            a.name,
            a.downgrade.as_deref().unwrap_or("")
        )));
        said = true;
    }
    for a in &r.year.regions {
        if let Some(m) = r.year.flags.get(&a.code).and_then(|f| Measure::of(f)) {
            out.push(Block::Body(format!("{}：{}。", a.name, m.reason)));
            said = true;
        }
    }
    if !said {
        out.push(Block::Body(
            "本年度无被一票否决或采取年度督办措施的地区。".to_string(),
        ));
    }
    out.push(Block::Heading1("四、下一步工作要求".to_string()));
    out.extend(requirement_paragraphs(issue.requirements));
    let attachment = format!("{y}年度各地区考核评价结果表");
    out.extend([
        Block::Blank,
        Block::AttachmentNote(format!("附件：{attachment}")),
        Block::Blank,
        Block::Signature(s.office.name.clone()),
        Block::Date(chinese_date(date)),
    ]);
    if let Some(contact) = s.office.contact_note() {
        out.push(Block::Note(format!("（{contact}）")));
    }
    let mut rows = vec![vec![
        "排名".to_string(),
        "地区".to_string(),
        "年度总分（分）".to_string(),
        "等次".to_string(),
        "年度措施".to_string(),
    ]];
    for a in &r.year.regions {
        let measure = r
            .year
            .flags
            .get(&a.code)
            .and_then(|f| Measure::of(f))
            .map_or_else(|| "—".to_string(), |m| m.measure.label);
        let rank = if s.annual.publish_ranks && a.scored() {
            a.rank.to_string()
        } else {
            "—".to_string()
        };
        rows.push(vec![
            rank,
            a.name.clone(),
            s.fixed(a.total),
            a.grade.clone(),
            measure,
        ]);
    }
    out.push(Block::Attachment {
        title: attachment,
        rows,
    });
    out.push(Block::Imprint {
        copy_to: issue
            .copy_to
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        issuer: s.office.name.clone(),
        date: format!("{}印发", chinese_date(date)),
    });
    out
}
