//! Semantic fuzzing (issue 11, deliverable 6): not random bytes, which the signature stops,
//! but what a trusted, faulty or hostile signer can send. A valid bundle is decoded, its
//! facts mutated (numbers, nesting, keys, strings, times, revision numbers, form sources),
//! re-signed with the trusted key and imported. Whatever happens: no panic, and either a
//! clear refusal (naming the file, terminal-safe) with the database exactly as before, or
//! a valid import after which every figure of the report is finite. The same for form
//! expressions: the parser, checker and evaluator never panic or overflow the stack.
//!
//! Seeds are printed; `RURALENV_FUZZ_SEED=N` replays one run, `RURALENV_FUZZ_CASES=N` runs
//! more cases than the few that `cargo test` runs by default.

mod bundle_support;

use bundle_support::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use ruralenv::bundle::format::{Limits, open_bundle, write_bundle};
use ruralenv::forms::expr;
use ruralenv::store::{MAX_REV, Revision};
use serde_json::{Value, json};
use std::panic::AssertUnwindSafe;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.trim().parse().ok())
}

/// The seed of this run (printed), and a runner that replays it.
fn runner(what: &str, default_cases: u32) -> TestRunner {
    let seed = env_u64("RURALENV_FUZZ_SEED").unwrap_or_else(|| {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        u64::from_le_bytes(b)
    });
    let cases = env_u64("RURALENV_FUZZ_CASES")
        .map(|n| n as u32)
        .unwrap_or(default_cases);
    eprintln!(
        "{what}: seed {seed}, {cases} cases (replay: RURALENV_FUZZ_SEED={seed} \
         RURALENV_FUZZ_CASES={cases} cargo test --test fuzz {what})"
    );
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 200,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

// ------------------------------------------------------------------ bundle facts

/// One change to one fact; `pick` chooses where inside it, `with` what to put.
#[derive(Debug, Clone)]
enum Mutation {
    Number { pick: u64, with: usize },
    Nest { pick: u64, depth: usize },
    AddKey { pick: u64, key: usize },
    RemoveKey { pick: u64 },
    Text { pick: u64, with: usize },
    Time { with: usize },
    Rev { with: usize },
    FormSource { with: usize },
    DuplicateFact,
}

const NUMBERS: &[f64] = &[
    1e308,
    -1e308,
    1e13,
    1e12,
    -1.0,
    0.0,
    0.5,
    4294967295.0,
    9007199254740993.0,
    -9.2e18,
    20001.0,
];
const KEYS: &[&str] = &[
    "extra",
    "kind",
    "values",
    "rev",
    "hash",
    "",
    "\u{202e}x",
    "farms",
];
const TEXTS: &[&str] = &[
    "\u{1b}]52;c;cm0gLXJmIH4K\u{7}",
    "\u{202e}05022",
    "a\u{200b}b",
    "line\u{2028}sep",
    "",
    "zzzz",
    "411003003204",
    "village@2",
    "2020",
    "none",
    "yes",
];
const TIMES: &[&str] = &[
    "zzzz",
    "",
    "2020-06-15",
    "9999-12-31T23:59:59Z",
    "2020-02-30T10:00:00+08:00",
    "2020-06-15T10:00:00+08:00",
    "2099-12-31T23:59:59-12:00",
    "2020-06-15T10:00:00.1234567891+08:00",
];
const REVS: &[u64] = &[
    0,
    1,
    2,
    MAX_REV as u64,
    MAX_REV as u64 + 1,
    u32::MAX as u64,
    u32::MAX as u64 + 1,
    u64::MAX,
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<u64>(), 0..NUMBERS.len()).prop_map(|(pick, with)| Mutation::Number { pick, with }),
        (any::<u64>(), 1..200usize).prop_map(|(pick, depth)| Mutation::Nest { pick, depth }),
        (any::<u64>(), 0..KEYS.len()).prop_map(|(pick, key)| Mutation::AddKey { pick, key }),
        any::<u64>().prop_map(|pick| Mutation::RemoveKey { pick }),
        (any::<u64>(), 0..TEXTS.len()).prop_map(|(pick, with)| Mutation::Text { pick, with }),
        (0..TIMES.len()).prop_map(|with| Mutation::Time { with }),
        (0..REVS.len()).prop_map(|with| Mutation::Rev { with }),
        (0..6usize).prop_map(|with| Mutation::FormSource { with }),
        Just(Mutation::DuplicateFact),
    ]
}

/// Every place in `v` (as JSON pointers), objects and arrays included.
fn places(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                places(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                places(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn pick_place(fact: &mut Value, pick: u64, want: impl Fn(&Value) -> bool) -> Option<&mut Value> {
    let mut all = Vec::new();
    places(fact, String::new(), &mut all);
    all.retain(|p| fact.pointer(p).is_some_and(&want));
    if all.is_empty() {
        return None;
    }
    let p = all[(pick % all.len() as u64) as usize].clone();
    fact.pointer_mut(&p)
}

fn apply(m: &Mutation, facts: &mut Vec<Value>, which: usize) {
    let n = facts.len();
    let fact = &mut facts[which % n];
    match m {
        Mutation::Number { pick, with } => {
            if let Some(x) = pick_place(fact, *pick, Value::is_number) {
                *x = json!(NUMBERS[*with]);
            }
        }
        Mutation::Nest { pick, depth } => {
            if let Some(x) = pick_place(fact, *pick, |v| !v.is_object()) {
                let mut deep = x.clone();
                for i in 0..*depth {
                    deep = if i % 2 == 0 {
                        json!([deep])
                    } else {
                        json!({ "a": deep })
                    };
                }
                *x = deep;
            }
        }
        Mutation::AddKey { pick, key } => {
            if let Some(Value::Object(o)) = pick_place(fact, *pick, Value::is_object) {
                o.insert(KEYS[*key].to_string(), json!(1));
            }
        }
        Mutation::RemoveKey { pick } => {
            if let Some(Value::Object(o)) = pick_place(fact, *pick, |v| {
                v.as_object().is_some_and(|o| !o.is_empty())
            }) {
                let k = o.keys().nth((*pick % o.len() as u64) as usize).cloned();
                if let Some(k) = k {
                    o.remove(&k);
                }
            }
        }
        Mutation::Text { pick, with } => {
            if let Some(x) = pick_place(fact, *pick, Value::is_string) {
                *x = json!(TEXTS[*with]);
            }
        }
        Mutation::Time { with } => {
            for p in ["/revision/finalized_at", "/review/at", "/resolution/at"] {
                if let Some(x) = fact.pointer_mut(p) {
                    *x = json!(TIMES[*with]);
                }
            }
        }
        Mutation::Rev { with } => {
            for p in ["/revision/rev", "/review/rev", "/resolution/rev"] {
                if let Some(x) = fact.pointer_mut(p) {
                    *x = json!(REVS[*with]);
                }
            }
        }
        Mutation::FormSource { with } => {
            if let Some(f) = facts.iter_mut().find(|f| f["kind"] == "form") {
                let src = f["form"]["source"].as_str().unwrap_or_default().to_string();
                let deep = format!(
                    "constraint = \"{}. >= 0{}\"",
                    "(".repeat(5000),
                    ")".repeat(5000)
                );
                let changed = match with {
                    0 => src.replacen("max = 20000\n", "", 1),
                    1 => src.replacen("max = 20000", "max = 1e308", 1),
                    2 => src.replacen("constraint = \". >= 0 and . <= 20000\"", &deep, 1),
                    3 => src.replacen(
                        "numerator = \"coalesce(manure_scattered_utilized_t, 0)",
                        "numerator = \"manure_scattered_utilized_t * manure_scattered_utilized_t * manure_scattered_utilized_t * coalesce(manure_scattered_utilized_t, 0)",
                        1,
                    ),
                    4 => src.replacen("version = 2", "version = 3", 1),
                    _ => format!("{src}\n[[field]]\nname = \"x\"\ntype = \"decimal\"\nlabel = {{ zh = \"x\", en = \"x\" }}\n"),
                };
                f["form"]["source"] = json!(changed);
            }
        }
        Mutation::DuplicateFact => {
            let copy = facts[which % n].clone();
            facts.push(copy);
        }
    }
}

/// Recomputes a revision fact's hash when its revision still parses, so that mutations
/// get past the hash check to the deeper checks.
fn rehash(fact: &mut Value) {
    if fact["kind"] == "revision"
        && let Ok(r) = serde_json::from_value::<Revision>(fact["revision"].clone())
    {
        fact["hash"] = json!(r.hash());
    }
}

fn terminal_safe(s: &str) -> bool {
    !s.chars()
        .any(|c| c != '\n' && ruralenv::termsafe::is_unsafe(c))
}

fn figures_are_finite(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
        Value::Array(a) => a.iter().all(figures_are_finite),
        Value::Object(o) => o.values().all(figures_are_finite),
        Value::String(s) => !s.contains("inf") && !s.contains("NaN"),
        _ => true,
    }
}

#[test]
fn fuzz_mutated_facts_signed_by_a_trusted_key() {
    let t = scratch_dir();
    let (source, path) = sample_bundle(30, t.path());
    let original = open_bundle(&path, &Limits::default()).unwrap();
    let facts: Vec<Value> = original.facts().map(|f| f.unwrap()).collect();
    let manifest = original.manifest.clone();
    let mut county = Site::new(31);
    county.trust(&source.key, TOWNSHIP_A, "邓庄街道");
    let county = std::cell::RefCell::new(county);
    let out = t.path().join("mutated.renv");
    let (accepted, refused) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    let strategy = (
        proptest::collection::vec((mutation(), any::<usize>()), 1..4),
        any::<bool>(),
    );
    let result = runner("fuzz_mutated_facts_signed_by_a_trusted_key", 24).run(
        &strategy,
        |(mutations, rehash_after)| {
            let mut facts = facts.clone();
            for (m, which) in &mutations {
                apply(m, &mut facts, *which);
            }
            if rehash_after {
                facts.iter_mut().for_each(rehash);
            }
            let mut m = manifest.clone();
            m.bundle_id = ruralenv::store::new_id();
            if write_bundle(&out, &source.key, m, facts).is_err() {
                // The writer refused it (a fact over the caps): nothing to import.
                return Ok(());
            }
            let mut county = county.borrow_mut();
            let before = county.state();
            let imported = std::panic::catch_unwind(AssertUnwindSafe(|| county.import(&out)))
                .map_err(|_| TestCaseError::fail(format!("import panicked on {mutations:?}")))?;
            match imported {
                Ok(_) => {
                    accepted.set(accepted.get() + 1);
                    let report = county.report(COUNTY);
                    prop_assert!(figures_are_finite(&report), "{mutations:?}: {report}");
                }
                Err(e) => {
                    refused.set(refused.get() + 1);
                    let message = e.to_string();
                    prop_assert!(
                        county.state() == before,
                        "a refused bundle changed the database: {mutations:?}: {message}"
                    );
                    prop_assert!(message.contains(&out.display().to_string()), "{message}");
                    prop_assert!(terminal_safe(&message), "{message:?}");
                    prop_assert!(terminal_safe(&e.kind().zh()), "{:?}", e.kind().zh());
                }
            }
            Ok(())
        },
    );
    let (accepted, refused) = (accepted.get(), refused.get());
    eprintln!("accepted {accepted}, refused {refused}");
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        refused > 0,
        "no mutation was refused: the fuzzer is not reaching the checks"
    );
}

// ------------------------------------------------------------------ expressions

/// Expression-like text: tokens of the language, nested at random, and some noise.
fn expression() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("households".to_string()),
        Just("farms".to_string()),
        Just(".".to_string()),
        Just("1".to_string()),
        Just("2.5".to_string()),
        Just("'a'".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("9999999999999999999999".to_string()),
        Just("1e308".to_string()),
        "[a-z_]{1,8}",
        "[ -~]{0,6}",
    ];
    atom.prop_recursive(12, 400, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec![
                    "+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "and", "or", "<>", "==",
                ])
            )
                .prop_map(|(a, b, op)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} then {a} else {b}")),
            (
                prop::sample::select(vec![
                    "sum", "count", "coalesce", "min", "max", "answered", "empty", "table", "nope"
                ]),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (
                inner,
                1..3000usize,
                prop::sample::select(vec!["(", "not ", "-", "max(", "if true then "])
            )
                .prop_map(|(a, n, open)| {
                    let close = match open {
                        "(" | "max(" => ")",
                        "if true then " => " else 0",
                        _ => "",
                    };
                    format!("{}{a}{}", open.repeat(n), close.repeat(n))
                }),
        ]
    })
}

struct Schema;

impl expr::Schema for Schema {
    fn resolve(&self, group: Option<&str>, name: &str) -> Option<expr::Resolved> {
        use expr::{Resolved, Ty};
        match (group, name) {
            (Some("farms"), "head") => Some(Resolved::Row(Ty::Number)),
            (_, "households") => Some(Resolved::Top(Ty::Number)),
            (_, "ok") => Some(Resolved::Top(Ty::Bool)),
            (_, "farms") => Some(Resolved::Group),
            _ => None,
        }
    }
    fn has_table(&self, name: &str) -> bool {
        name == "scale"
    }
}

struct Data;

impl expr::Data for Data {
    fn top(&self, name: &str) -> ruralenv::forms::value::Value {
        use ruralenv::forms::value::Value as V;
        match name {
            "households" => V::Int(i64::MAX),
            "ok" => V::Bool(true),
            _ => V::Null,
        }
    }
    fn row_count(&self, _: &str) -> usize {
        3
    }
    fn row_field(&self, _: &str, row: usize, _: &str) -> ruralenv::forms::value::Value {
        ruralenv::forms::value::Value::Dec(1e308 * row as f64)
    }
    fn table(&self, _: &str, _: &str) -> ruralenv::forms::value::Value {
        ruralenv::forms::value::Value::Dec(f64::MAX)
    }
}

#[test]
fn fuzz_expressions_never_panic_or_overflow() {
    // On a thread with the stack a worker thread gets (the TUI imports on one).
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let result =
                runner("fuzz_expressions_never_panic_or_overflow", 300).run(&expression(), |src| {
                    let outcome = std::panic::catch_unwind(|| {
                        let Ok(mut e) = expr::parse(&src) else {
                            return;
                        };
                        for current in [None, Some(expr::Ty::Number)] {
                            let ctx = expr::CheckCtx {
                                group: None,
                                current,
                            };
                            if expr::check(&mut e, &Schema, ctx).is_ok() {
                                let v = ruralenv::forms::value::Value::Int(1);
                                let _ = expr::eval(
                                    &e,
                                    &Data,
                                    expr::EvalCtx {
                                        current: &v,
                                        row: None,
                                    },
                                );
                            }
                        }
                    });
                    prop_assert!(outcome.is_ok(), "panicked on {src:?}");
                    Ok(())
                });
            if let Err(e) = result {
                panic!("{e}");
            }
        })
        .unwrap()
        .join()
        .expect("the expression fuzzer's thread crashed (stack overflow?)");
}

#[test]
fn fuzz_seed_is_reproducible() {
    // The same seed gives the same cases: what makes a printed seed worth printing.
    let draw = || {
        let mut bytes = [0u8; 32];
        bytes[0] = 7;
        let mut r = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
        );
        (0..5)
            .map(|_| expression().new_tree(&mut r).unwrap().current())
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(), draw());
}
