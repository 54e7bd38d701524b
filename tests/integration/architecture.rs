//! The shape of the code, checked: the top-level modules of `src/` depend on each other
//! without a cycle, so the pipeline runs one way (DESIGN.md, "The pipeline").
//!
//! A module depends on another when its code (test modules and comments left out) names
//! `crate::other`, directly or in a `use crate::{…}` list. That is how every module here refers
//! to another; `super::` never leaves a module's own directory.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its test module (at the end of the file) and `//` comments.
fn code_of(text: &str) -> String {
    let code = text.split("\n#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names `crate::` is followed by, including each name of a `crate::{a, b::c}` list.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let list = &list[..list.find('}').unwrap_or(list.len())];
            for item in list.split(',') {
                names.insert(ident(item.trim()));
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names
}

fn module_graph(src: &Path) -> Graph {
    let mut tops = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let name = name.strip_suffix(".rs").unwrap_or(&name).to_string();
        if name != "lib" && name != "main" {
            tops.insert(name);
        }
    }
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph = Graph::new();
    for path in files {
        let rel = path.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = first.strip_suffix(".rs").unwrap_or(&first).to_string();
        if !tops.contains(&top) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&path).unwrap());
        let deps = graph.entry(top.clone()).or_default();
        for name in crate_paths(&code) {
            if tops.contains(&name) && name != top {
                deps.insert(name);
            }
        }
    }
    graph
}

/// A cycle of the graph, if it has one (depth-first search, in name order).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_modules_depend_on_each_other_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    let shown: Vec<String> = graph
        .iter()
        .map(|(m, deps)| {
            format!(
                "{m} → {}",
                deps.iter().cloned().collect::<Vec<_>>().join(" ")
            )
        })
        .collect();
    assert_eq!(find_cycle(&graph), None, "{}", shown.join("\n"));
    // The data between the stages sits below them.
    for low in [
        "record",
        "submission",
        "contract",
        "problem",
        "quarter",
        "text",
    ] {
        for stage in [
            "ingest", "score", "flag", "stats", "history", "report", "pipeline",
        ] {
            assert!(
                !graph[low].contains(stage),
                "{low} depends on the stage {stage}"
            );
        }
    }
    // history reads and writes Parquet; it knows nothing of how a quarter was scored.
    for stage in ["score", "flag", "stats", "ingest", "report"] {
        assert!(!graph["history"].contains(stage), "history uses {stage}");
    }
}

/// The checker itself finds a cycle, and the paths it follows.
#[test]
fn the_cycle_check_finds_a_cycle() {
    let mut graph = Graph::new();
    let edge = |g: &mut Graph, a: &str, b: &str| {
        g.entry(a.into()).or_default().insert(b.into());
    };
    edge(&mut graph, "a", "b");
    edge(&mut graph, "b", "c");
    assert_eq!(find_cycle(&graph), None);
    edge(&mut graph, "c", "a");
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let code = code_of("use crate::{flag::Flag, score};\n// crate::report\nfn f() { crate::text::width(\"\"); }\n#[cfg(test)]\nmod tests { use crate::pipeline; }");
    let names: Vec<String> = crate_paths(&code).into_iter().collect();
    assert_eq!(names, ["flag", "score", "text"]);
}
