//! Semantic fuzzing of CSV rows (issue 11, deliverable 6): a valid legacy spreadsheet is
//! mutated the way people, Excel and hostile senders mutate them (huge, negative, non-finite
//! and scientific numbers, full-width digits, control, bidi and zero-width characters, stray
//! quotes, duplicated rows and columns, CRLF, a BOM, a GB18030 cell) and loaded through the
//! real binary. Whatever happens: no crash (exit 0 or 1 only), a terminal-safe message, and
//! either a refusal that left the report exactly as it was, or an import after which every
//! figure is finite.
//!
//! Seeds are printed; `RURALENV_FUZZ_SEED=N` replays a run, `RURALENV_FUZZ_CASES=N` runs
//! more cases than the default.

use assert_cmd::Command;
use std::path::Path;

const HEADER: &str = "village_code,survey_date,surveyor,households,population,garbage_facilities,garbage_technology,garbage_cleaners,garbage_funding,garbage_supervision,toilet_three_compartment,toilet_double_urn,toilet_biogas,toilet_urine_diverting,toilet_double_pit,toilet_sewered_flush,toilet_other_sanitary,sewage_mode,sewage_households,sewage_controlled,manure_scattered_produced_t,manure_scattered_utilized_t,notes";
const ROWS: [&str; 3] = [
    "411003003204,2020-06-15,王建国,200,700,yes,yes,yes,yes,yes,100,20,0,0,5,45,10,central,120,yes,100,60.5,大罗庄",
    "411003003205,2020-06-16,王建国,150,520,yes,no,yes,yes,yes,60,0,0,0,0,0,30,none,,no,0,0,",
    "411003003206,2020-06-18,李秀英,320,1100,yes,yes,yes,yes,no,200,0,10,0,0,0,40,decentral,200,yes,300,250,",
];

/// What a cell may become.
const HOSTILE: &[&str] = &[
    "",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "4.11003E+11",
    "99999999999999999999999",
    "１２０",
    "2020/6/15",
    "2020-13-45",
    "yes",
    "是",
    "\u{202E}120",
    "12\u{200B}0",
    "\u{1b}]52;c;aGVsbG8=\u{7}",
    "\"",
    "a\"b",
    "=1+1",
    "'=cmd",
    "0x10",
    " 7 ",
    "1,5",
    "411003003001",
    "411003003204",
    "999999999999",
    "central",
    "pig",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.trim().parse().ok())
}

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("ruralenv").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .arg("--lang")
        .arg("en")
        .env_remove("RURALENV_SURVEYOR")
        .env_remove("RURALENV_DATA_DIR");
    c
}

fn report(dir: &Path) -> serde_json::Value {
    let out = bin(dir)
        .args(["report", "--round", "2020", "--under", "411003003000"])
        .args(["--format", "json", "--level", "village"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc.as_object_mut().unwrap().remove("generated_at");
    doc
}

/// One mutated file: the bytes and what was done (for the failure message).
fn mutate(rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let mut header: Vec<String> = HEADER.split(',').map(str::to_string).collect();
    let mut rows: Vec<Vec<String>> = ROWS
        .iter()
        .map(|r| r.split(',').map(str::to_string).collect())
        .collect();
    let mut done = Vec::new();
    for _ in 0..rng.below(4) {
        match rng.below(12) {
            0 => {
                rows.push(rows[rng.below(rows.len())].clone());
                done.push("duplicated a row".into());
            }
            1 => {
                let c = rng.below(header.len());
                header[c] = header[(c + 1) % header.len()].clone();
                done.push(format!("renamed column {c}"));
            }
            2 => {
                header.push("extra".into());
                for r in &mut rows {
                    r.push("x".into());
                }
                done.push("added a column".into());
            }
            3 => {
                let c = 1 + rng.below(header.len() - 1);
                header.remove(c);
                for r in &mut rows {
                    r.remove(c);
                }
                done.push(format!("dropped column {c}"));
            }
            4 | 5 => {
                // Free text and numbers within their bounds: still a valid file.
                let r = rng.below(rows.len());
                let (c, v) = match rng.below(3) {
                    0 => (
                        header.len() - 1,
                        HOSTILE[rng.below(HOSTILE.len())].to_string(),
                    ),
                    1 => (4, (rng.below(5000) + 1).to_string()),
                    _ => (20, format!("{}.{}", rng.below(1000), rng.below(100))),
                };
                if c < rows[r].len() {
                    done.push(format!("row {r} column {c} = {v:?}"));
                    rows[r][c] = v;
                }
            }
            _ => {
                let r = rng.below(rows.len());
                let c = rng.below(header.len());
                let v = HOSTILE[rng.below(HOSTILE.len())].to_string();
                done.push(format!("row {r} column {c} = {v:?}"));
                rows[r][c] = v;
            }
        }
    }
    let crlf = rng.below(2) == 0;
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = header.join(",");
    for r in &rows {
        text.push_str(eol);
        text.push_str(&r.join(","));
    }
    text.push_str(eol);
    let mut bytes = Vec::new();
    match rng.below(4) {
        0 => {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
            bytes.extend_from_slice(text.as_bytes());
            done.push("BOM".into());
        }
        1 => {
            let (gb, _, _) = encoding_rs::GB18030.encode(&text);
            bytes.extend_from_slice(&gb);
            done.push("GB18030".into());
        }
        2 => {
            // One cell in GB18030 inside a UTF-8 file.
            let (gb, _, _) = encoding_rs::GB18030.encode("李秀英");
            let pos = text.find("李秀英").unwrap_or(text.len());
            bytes.extend_from_slice(&text.as_bytes()[..pos]);
            if pos < text.len() {
                bytes.extend_from_slice(&gb);
                bytes.extend_from_slice(&text.as_bytes()[pos + "李秀英".len()..]);
                done.push("one GB18030 cell".into());
            }
        }
        _ => bytes.extend_from_slice(text.as_bytes()),
    }
    if crlf {
        done.push("CRLF".into());
    }
    (bytes, done)
}

#[test]
fn mutated_csv_rows_are_imported_whole_or_refused_cleanly() {
    let seed = env_u64("RURALENV_FUZZ_SEED").unwrap_or_else(|| {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        u64::from_le_bytes(b)
    });
    let cases = env_u64("RURALENV_FUZZ_CASES").unwrap_or(16);
    eprintln!(
        "csv fuzz: seed {seed}, {cases} cases (replay: RURALENV_FUZZ_SEED={seed} \
         RURALENV_FUZZ_CASES={cases} cargo test --test fuzz_csv)"
    );
    let mut rng = Rng(seed);
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let file = t.path().join("in.csv");
    std::fs::write(&file, format!("{HEADER}\n{}\n", ROWS[0])).unwrap();
    bin(&data)
        .args(["records", "import-csv"])
        .arg(&file)
        .args(["--round", "2020"])
        .assert()
        .success();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..cases {
        let (bytes, done) = mutate(&mut rng);
        std::fs::write(&file, &bytes).unwrap();
        let before = report(&data);
        let out = bin(&data)
            .args(["records", "import-csv"])
            .arg(&file)
            .args(["--round", "2020"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let what = format!("case {case} (seed {seed}): {done:?}\n{stderr}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "exit {:?}: {what}",
            out.status.code()
        );
        assert!(
            !stderr
                .chars()
                .chain(String::from_utf8_lossy(&out.stdout).chars())
                .any(|c| c != '\n' && ruralenv::termsafe::is_unsafe(c)),
            "unsafe characters reached the terminal: {what}"
        );
        let after = report(&data);
        if out.status.success() {
            accepted += 1;
            for unit in after["units"].as_array().unwrap() {
                for i in unit["indicators"].as_array().unwrap() {
                    for k in ["numerator", "denominator"] {
                        let x = i[k].as_f64().unwrap_or(f64::NAN);
                        assert!(x.is_finite() && x.abs() <= 1e18, "{k} {x}: {what}");
                    }
                }
            }
        } else {
            refused += 1;
            assert!(!stderr.trim().is_empty(), "a refusal says why: {what}");
            assert_eq!(before, after, "a refused file changed the figures: {what}");
        }
    }
    eprintln!("csv fuzz: {accepted} imported, {refused} refused");
    assert_eq!(accepted + refused, cases);
}
