//! The module structure of the TUI, checked from the source: no module of `src/tui`
//! refers to one that refers back to it (directly or through others), screens never
//! reach the router (`app`) or the views, the shared types import no screen, and the
//! register imports nothing from `forms` (which validates registers). A cycle that
//! comes back fails here with the modules in it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `view/home.rs` → ["view", "home"]; `view/mod.rs` → ["view"]; `mod.rs` → [].
fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file
        .strip_prefix(root)
        .expect("under root")
        .with_extension("");
    let mut m: Module = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if m.last().is_some_and(|s| s == "mod") {
        m.pop();
    }
    m
}

/// The code of a file without comments and without its `#[cfg(test)] mod` (tests may
/// import anything).
fn code(src: &str) -> String {
    let src = match src
        .find("#[cfg(test)]\nmod ")
        .or(src.find("#[cfg(test)]\npub(crate) mod "))
    {
        Some(i) => &src[..i],
        None => src,
    };
    src.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths following `prefix` in `code`: `crate::tui::app::Model` → ["app", "Model"].
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let segs: Vec<String> = path
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !segs.is_empty() {
            out.push(segs);
        }
    }
    out
}

/// Which modules (files) each module's code refers to.
fn graph(root: &Path, crate_prefix: &str) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rs_files(root, &mut files);
    let modules: BTreeMap<Module, String> = files
        .iter()
        .filter(|f| !f.to_string_lossy().ends_with("tests.rs"))
        .map(|f| {
            let src = std::fs::read_to_string(f).expect("read source");
            (module_of(root, f), code(&src))
        })
        .collect();
    let mut g = BTreeMap::new();
    for (m, code) in &modules {
        let mut targets: Vec<Vec<String>> = paths_after(code, crate_prefix);
        for p in paths_after(code, "super::") {
            let mut t = m[..m.len().saturating_sub(1)].to_vec();
            t.extend(p);
            targets.push(t);
        }
        // A child declared here (`mod x;`) and used by path (`x::…`).
        for line in code.lines() {
            let l = line.trim();
            let decl = l
                .strip_prefix("pub mod ")
                .or(l.strip_prefix("mod "))
                .or(l.strip_prefix("pub(crate) mod "));
            if let Some(name) = decl.and_then(|d| d.strip_suffix(';')) {
                let used = paths_after(code, &format!("{name}::"));
                if !used.is_empty() || code.contains(&format!("use {name}")) {
                    let mut t = m.clone();
                    t.push(name.to_string());
                    targets.push(t);
                }
            }
        }
        let mut deps = BTreeSet::new();
        for t in targets {
            // The longest prefix that is a file of ours.
            if let Some(k) = (0..=t.len()).rev().find(|&k| modules.contains_key(&t[..k])) {
                let target = t[..k].to_vec();
                if &target != m {
                    deps.insert(target);
                }
            }
        }
        g.insert(m.clone(), deps);
    }
    g
}

/// Strongly connected groups of more than one module (Tarjan).
fn cycles(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    struct S<'a> {
        g: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on: BTreeSet<&'a Module>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut S<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let Some((w, _)) = s.g.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                group.push(if w.is_empty() {
                    "(root)".into()
                } else {
                    w.join("::")
                });
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut s = S {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn tui_graph() -> BTreeMap<Module, BTreeSet<Module>> {
    graph(&src().join("tui"), "crate::tui::")
}

#[test]
fn no_module_of_the_tui_imports_one_that_imports_it_back() {
    let g = tui_graph();
    assert!(g.len() > 30, "the scan found the modules: {:?}", g.keys());
    assert_eq!(cycles(&g), Vec::<Vec<String>>::new());
}

#[test]
fn screens_shared_types_and_effects_never_reach_the_router_or_the_views() {
    let g = tui_graph();
    let m = |s: &str| -> Module { s.split("::").map(str::to_string).collect() };
    let mut checked = 0;
    for (module, deps) in &g {
        let layer = module.first().map(String::as_str);
        if !matches!(layer, Some("screens" | "shared" | "effects")) {
            continue;
        }
        checked += 1;
        for d in deps {
            let to = d.first().map(String::as_str);
            assert!(
                !matches!(to, Some("app" | "view")) && !d.is_empty(),
                "{} imports {}",
                module.join("::"),
                d.join("::")
            );
            if layer == Some("shared") {
                assert!(
                    !matches!(to, Some("screens" | "effects")),
                    "the shared types import {}",
                    d.join("::")
                );
            }
            if layer == Some("screens") {
                assert!(
                    to != Some("effects"),
                    "{} imports effects",
                    module.join("::")
                );
            }
        }
    }
    assert!(checked >= 20, "screens, shared and effects were found");
    // The router imports the screens, so this is the edge a cycle would close.
    assert!(g[&m("app")].contains(&m("screens::form")));
}

#[test]
fn the_register_imports_nothing_from_forms() {
    let register = std::fs::read_to_string(src().join("register/mod.rs")).expect("register");
    assert!(
        paths_after(&code(&register), "crate::forms").is_empty(),
        "forms validates registers, so register must not import forms"
    );
    let forms = std::fs::read_to_string(src().join("forms/mod.rs")).expect("forms");
    assert!(
        !paths_after(&code(&forms), "crate::register").is_empty(),
        "the check above is about this edge"
    );
}

#[test]
fn the_scan_sees_a_cycle_when_there_is_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("screens")).expect("mkdir");
    std::fs::write(
        dir.path().join("app.rs"),
        "use crate::tui::screens::home::Home;\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("screens/home.rs"),
        "use crate::tui::app::Model;\n// crate::tui::view is a comment\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("screens/mod.rs"), "pub mod home;\n").expect("write");
    let g = graph(dir.path(), "crate::tui::");
    let c = cycles(&g);
    assert_eq!(c.len(), 1, "{g:?}");
    let mut names = c[0].clone();
    names.sort();
    assert_eq!(names, vec!["app".to_string(), "screens::home".to_string()]);
}
