//! Snapshots of every screen at 80×24 and 120×40, in Chinese and English, on the real
//! Xuchang register. Dates and ids in them are fixed by the fixtures.

use crate::forms::value::Value;
use crate::forms::{FormSet, Lang};
use crate::register::{Level, Register};
use crate::store::{DivisionRow, HistoryEvent, RecordStatus, Resolution, Review, ReviewAction};
use crate::tui::app::{Model, update};
use crate::tui::shared::tree::Tree;
use crate::tui::shared::{AuditRow, Msg, ReviewRow};
use crate::tui::tests::{opened, press, startup, tab_to, typ, village};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

fn xuchang() -> Tree {
    let set = FormSet::builtin();
    let mut units = Vec::new();
    for (name, body) in &set.registers {
        let reg = Register::parse(name, body).expect("register");
        for d in reg.divisions {
            units.push(DivisionRow {
                code: d.code,
                name: d.name,
                parent: d.parent,
                level: d.level,
                in_scope: d.in_scope,
            });
        }
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    Tree::new(units)
}

fn base(lang: Lang) -> Model {
    let mut s = startup(xuchang(), lang);
    for (code, st) in [
        ("411003003204", RecordStatus::Returned),
        ("411003003205", RecordStatus::Conflict),
        ("411003003206", RecordStatus::Finalized),
        ("411003003207", RecordStatus::Approved),
        ("411003003208", RecordStatus::Draft),
    ] {
        s.statuses.insert(code.into(), st);
        // What the `counted` view holds for them: not the returned one, not the draft.
        if matches!(
            st,
            RecordStatus::Finalized | RecordStatus::Approved | RecordStatus::Conflict
        ) {
            s.counted.insert(code.into());
        }
    }
    let (mut m, _) = Model::new(s, None);
    m.home.reveal("411003003204");
    m
}

/// A model drawn as text (for tests elsewhere in the TUI).
pub(super) fn render_for_tests(m: &Model, w: u16, h: u16) -> String {
    render(m, w, h)
}

fn render(m: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| super::view::draw(m, f)).expect("draw");
    screen_text(t.backend().buffer())
}

/// The screen as a person sees it: one line per row, wide characters once (the cell a
/// wide character covers is skipped), trailing spaces kept so widths can be checked.
pub(super) fn screen_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str("|\n");
    }
    out
}

fn check(name: &str, make: impl Fn(Lang) -> Model) {
    for lang in [Lang::Zh, Lang::En] {
        let m = make(lang);
        for (w, h) in [(80, 24), (120, 40)] {
            let shot = render(&m, w, h);
            insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), shot);
        }
    }
}

fn form(lang: Lang) -> Model {
    let mut m = base(lang);
    update(
        &mut m,
        Msg::RecordOpened(Box::new(opened(Some("r1"), false))),
    );
    tab_to(&mut m, "households");
    typ(&mut m, "200");
    press(&mut m, KeyCode::Tab);
    update(
        &mut m,
        Msg::Committed {
            record_id: "r1".into(),
            row: None,
            field: "households".into(),
        },
    );
    typ(&mut m, "150");
    press(&mut m, KeyCode::Tab);
    update(
        &mut m,
        Msg::Committed {
            record_id: "r1".into(),
            row: None,
            field: "population".into(),
        },
    );
    tab_to(&mut m, "garbage_facilities");
    typ(&mut m, "y");
    m
}

#[test]
fn home() {
    check("home", base);
}

#[test]
fn form_screen() {
    check("form", form);
}

#[test]
fn form_choice() {
    check("choice", |lang| {
        let mut m = form(lang);
        tab_to(&mut m, "sewage_mode");
        typ(&mut m, "2");
        m
    });
}

#[test]
fn form_farms_table() {
    check("farms", |lang| {
        let mut m = form(lang);
        for _ in 0..40 {
            if m.record.as_ref().unwrap().focused_group().is_some() {
                break;
            }
            press(&mut m, KeyCode::Tab);
        }
        for (id, name, species, head) in [
            ("a", "兴旺养殖场", "1", "600"),
            ("b", "Li farm", "5", "3000"),
        ] {
            update(
                &mut m,
                Msg::RowAdded {
                    group: "farms".into(),
                    row_id: id.into(),
                },
            );
            // Tab after the last field of the row goes back to the table.
            for text in [name, species, head, "y", "1200", "900"] {
                typ(&mut m, text);
                press(&mut m, KeyCode::Tab);
            }
        }
        press(&mut m, KeyCode::Up);
        m
    });
}

#[test]
fn finalize_errors() {
    check("finalize", |lang| {
        let mut m = form(lang);
        let r = m.record.as_ref().unwrap();
        let issues = r.form.validate(&r.form.finalized_data(&r.data));
        update(&mut m, Msg::FinalizeBlocked(issues));
        m
    });
}

fn history_model(lang: Lang) -> Model {
    let mut m = base(lang);
    update(
        &mut m,
        Msg::RecordOpened(Box::new(opened(Some("r1"), true))),
    );
    let row = |rev, field: &str, old: Value, new: Value, who: &str, at: &str| AuditRow {
        rev,
        field: field.into(),
        old,
        new,
        who: who.into(),
        at: at.into(),
    };
    let at1 = "2020-06-15T10:00:00+08:00";
    let at2 = "2020-06-20T16:30:00+08:00";
    let rows = vec![
        row(1, "households", Value::Null, Value::Int(200), "张三", at1),
        row(
            1,
            "sewage_mode",
            Value::Null,
            Value::Text("central".into()),
            "张三",
            at1,
        ),
        row(
            1,
            "garbage_funding",
            Value::Null,
            Value::Bool(false),
            "张三",
            at1,
        ),
        row(
            1,
            "farms[1].head_count",
            Value::Null,
            Value::Int(600),
            "张三",
            at1,
        ),
        row(
            2,
            "households",
            Value::Int(200),
            Value::Int(210),
            "李四\x1b[31m",
            at2,
        ),
        row(
            2,
            "garbage_funding",
            Value::Bool(false),
            Value::Bool(true),
            "李四",
            at2,
        ),
    ];
    update(
        &mut m,
        Msg::HistoryLoaded {
            record_id: "r1".into(),
            rows,
            events: Vec::new(),
        },
    );
    m
}

#[test]
fn history() {
    check("history", history_model);
    // Beside the changes: each revision finalized, the reviews with who, when and the
    // whole comment (wrapped), a resolution.
    check("history_reviews", |lang| {
        let mut m = history_model(lang);
        let rows = m.history.take().unwrap().rows;
        let review = |rev: u32, action, comment: &str, who: &str, at: &str| {
            HistoryEvent::Reviewed(Review {
                review_id: format!("v{rev}{who}"),
                record_id: "r1".into(),
                rev,
                hash: "h".into(),
                action,
                comment: comment.into(),
                who: who.into(),
                at: at.into(),
            })
        };
        let fin = |rev: u32, who: &str, at: &str, changes| HistoryEvent::Finalized {
            rev,
            hash: "h".into(),
            who: who.into(),
            at: at.into(),
            changes,
        };
        let events = vec![
            fin(1, "张三", "2020-06-15T10:00:00+08:00", 4),
            review(
                1,
                ReviewAction::Return,
                "户数与台账不符：台账上常住 210 户，表上填了 200 户；请到村委会核对后改正，并补填规模养殖场的粪污处理设施是否配套。",
                "王五",
                "2020-06-16T09:30:00+08:00",
            ),
            fin(2, "李四", "2020-06-17T11:00:00+08:00", 2),
            HistoryEvent::Resolved(Resolution {
                resolution_id: "s1".into(),
                kind: "duplicate".into(),
                form_id: "village".into(),
                village_code: "411003003204".into(),
                round: "2020".into(),
                record_id: "r1".into(),
                rev: 2,
                hash: "h".into(),
                who: "王五".into(),
                at: "2020-06-18T08:00:00+08:00".into(),
            }),
            review(
                2,
                ReviewAction::Approve,
                "",
                "王五",
                "2020-06-18T08:05:00+08:00",
            ),
        ];
        update(
            &mut m,
            Msg::HistoryLoaded {
                record_id: "r1".into(),
                rows,
                events,
            },
        );
        m
    });
}

#[test]
fn review() {
    check("review", review_model);
    // Approving asks first, the question in full.
    check("review_approve_confirm", |lang| {
        let mut m = review_model(lang);
        press(&mut m, KeyCode::Char('a'));
        m
    });
}

fn review_model(lang: Lang) -> Model {
    {
        let mut m = base(lang);
        let v = |code: &str, name: &str| DivisionRow {
            code: code.into(),
            name: name.into(),
            parent: Some("411003003000".into()),
            level: Level::Village,
            in_scope: true,
        };
        let row = |d: DivisionRow, st, by: &str, comment: Option<&str>| ReviewRow {
            village: d,
            record_id: "r".into(),
            rev: 1,
            status: st,
            finalized_at: "2020-06-15T10:00:00+08:00".into(),
            finalized_by: by.into(),
            comment: comment.map(str::to_string),
        };
        let rows = vec![
            row(
                v("411003003201", "小宋村委会"),
                RecordStatus::Finalized,
                "张三",
                None,
            ),
            row(
                v("411003003202", "邓庄村委会"),
                RecordStatus::Approved,
                "张三",
                None,
            ),
            row(
                village(),
                RecordStatus::Returned,
                "王五",
                Some("户数与台账不符，请核对"),
            ),
        ];
        let township = DivisionRow {
            code: "411003003000".into(),
            name: "邓庄街道".into(),
            parent: Some("411003000000".into()),
            level: Level::Township,
            in_scope: false,
        };
        update(&mut m, Msg::ReviewLoaded { township, rows });
        m
    }
}

#[test]
fn help() {
    check("help", |lang| {
        let mut m = base(lang);
        press(&mut m, KeyCode::Char('?'));
        m
    });
}

#[test]
fn help_s_intro_wraps_in_full_and_end_shows_the_last_key() {
    use crate::tui::screens::help::{HelpLine, help_lines};
    let last = match help_lines().last() {
        Some(HelpLine::Key(b)) => b.label,
        other => panic!("{other:?}"),
    };
    for lang in [Lang::Zh, Lang::En] {
        for (w, h) in [(80u16, 24u16), (60, 20), (120, 40)] {
            let mut m = base(lang);
            update(&mut m, Msg::Resize(w, h));
            press(&mut m, KeyCode::Char('?'));
            let top = render(&m, w, h);
            assert!(
                !top.lines().nth(1).unwrap().contains('…'),
                "{lang:?} {w}: {top}"
            );
            assert!(top.contains("■"), "{top}");
            press(&mut m, KeyCode::End);
            let end = render(&m, w, h);
            // The intro stays; the last key's row is on the page, above the chrome.
            assert_eq!(end.lines().nth(1), top.lines().nth(1), "{lang:?} {w}");
            assert!(
                end.lines().any(|l| l.trim_start().starts_with(last)),
                "{lang:?} {w}x{h}: {last} missing\n{end}"
            );
        }
    }
}

#[test]
fn first_run() {
    check("first_run", |lang| {
        let mut s = startup(xuchang(), lang);
        s.ask_name = true;
        s.surveyor = None;
        let (mut m, _) = Model::new(s, None);
        // The role first: a surveyor (the first choice) is asked for a name.
        press(&mut m, KeyCode::Enter);
        typ(&mut m, "张");
        m
    });
}

fn first_run_model(lang: Lang) -> Model {
    let mut s = startup(xuchang(), lang);
    s.ask_name = true;
    s.surveyor = None;
    s.demo_available = true;
    s.demo_dir = Some("/home/li/.local/share/ruralenv-demo".into());
    Model::new(s, None).0
}

#[test]
fn first_run_role() {
    check("first_run_role", |lang| {
        let mut m = first_run_model(lang);
        press(&mut m, KeyCode::Down);
        m
    });
}

#[test]
fn first_run_demo_offer() {
    check("first_run_demo_offer", |lang| {
        let mut m = first_run_model(lang);
        press(&mut m, KeyCode::Down);
        press(&mut m, KeyCode::Enter);
        m
    });
}

#[test]
fn first_run_demo_done() {
    check("first_run_demo_done", |lang| {
        let mut m = first_run_model(lang);
        press(&mut m, KeyCode::Down);
        press(&mut m, KeyCode::Enter);
        press(&mut m, KeyCode::Char('d'));
        update(
            &mut m,
            Msg::DemoLoaded {
                dir: "/home/li/.local/share/ruralenv-demo".into(),
                result: Ok(1533),
            },
        );
        m
    });
}

#[test]
fn nothing_essential_is_cut_at_80x24() {
    for lang in [Lang::Zh, Lang::En] {
        let shot = render(&form(lang), 80, 24);
        let lines: Vec<&str> = shot.lines().collect();
        let has = |s: &str| lines.iter().any(|l| l.contains(s));
        assert!(has("ruralenv"), "title bar");
        assert!(has("Tab"), "footer hints:\n{shot}");
        match lang {
            Lang::Zh => assert!(
                has("有齐全的设施设备") && has("已保存") || has("请核对"),
                "{shot}"
            ),
            Lang::En => assert!(has("Complete facilities"), "{shot}"),
        }
    }
}

#[test]
fn search_lands_on_the_first_village_in_scope() {
    let mut m = base(Lang::Zh);
    press(&mut m, KeyCode::Char('/'));
    typ(&mut m, "灵井镇");
    press(&mut m, KeyCode::Enter);
    let i = m.home.selected().unwrap();
    let d = &m.home.tree.units[i];
    assert!(d.in_scope, "{} {}", d.code, d.name);
}

#[test]
fn demo_data_is_named_in_the_header_of_every_screen() {
    check("home_demo", |lang| {
        let mut m = base(lang);
        m.demo = true;
        m
    });
    for lang in [Lang::Zh, Lang::En] {
        let mark = match lang {
            Lang::Zh => "【演示数据】",
            Lang::En => "[DEMO DATA]",
        };
        let mut m = base(lang);
        m.demo = true;
        let mut shots = vec![render(&m, 80, 24)];
        update(
            &mut m,
            Msg::RecordOpened(Box::new(opened(Some("r1"), true))),
        );
        shots.push(render(&m, 80, 24));
        update(
            &mut m,
            Msg::HistoryLoaded {
                record_id: "r1".into(),
                rows: Vec::new(),
                events: Vec::new(),
            },
        );
        shots.push(render(&m, 80, 24));
        press(&mut m, KeyCode::Char('?'));
        shots.push(render(&m, 80, 24));
        for shot in &shots {
            let title = shot.lines().next().unwrap();
            assert!(title.contains(mark), "{title}");
        }
        let m = base(lang);
        assert!(!render(&m, 80, 24).lines().next().unwrap().contains(mark));
    }
}

#[test]
fn home_unit_counts() {
    // Townships and the county: 计入 (the report's villages_reported), then drafts,
    // returned and conflicts beside it.
    check("home_units", |lang| {
        let mut m = base(lang);
        m.home.reveal("411003003000");
        m.home.set_expanded(m.home.selected().unwrap(), false);
        m
    });
}

#[test]
fn an_empty_return_comment_is_refused_where_it_is_read() {
    for lang in [Lang::Zh, Lang::En] {
        let mut m = review_model(lang);
        press(&mut m, KeyCode::Char('r'));
        press(&mut m, KeyCode::Enter);
        let shot = render(&m, 80, 24);
        let lines: Vec<&str> = shot.lines().collect();
        let (refusal, label) = match lang {
            Lang::Zh => ("退回必须写明原因", "退回意见"),
            Lang::En => ("A return needs a comment", "Why is it returned"),
        };
        assert!(lines[21].contains(refusal), "{shot}");
        assert!(lines[22].contains(label), "the prompt stays open:\n{shot}");
    }
}

/// Long texts are read to their end at 80×24 where there is room: the return comment
/// (surveyor and clerk), the review list's comment, a farm's name in the table, a long
/// village name on home and a long message line.
#[test]
fn long_texts_are_readable_to_their_end() {
    let comment = "户数与台账不符：台账记 212 户，表上 200 户；另外常住人口 150 少于户数，请逐户核对后再完成，核对完请在备注写明来源 END";
    // The surveyor's form.
    let mut m = base(Lang::Zh);
    let mut o = opened(Some("r1"), false);
    o.status = RecordStatus::Returned;
    o.rev = Some(1);
    o.return_comment = Some(comment.into());
    update(&mut m, Msg::RecordOpened(Box::new(o)));
    let shot = render(&m, 80, 24);
    assert!(shot.contains("END"), "the comment's end:\n{shot}");
    // The clerk's review list.
    let mut m = review_model(Lang::Zh);
    if let Some(rv) = &mut m.review {
        rv.rows[2].comment = Some(comment.into());
        rv.cursor = 2;
    }
    let shot = render(&m, 80, 24);
    assert!(shot.contains("END"), "the comment's end:\n{shot}");
    // A farm's name in the table, finalized (read-only) too.
    for read_only in [false, true] {
        let mut m = base(Lang::En);
        let mut o = opened(Some("r1"), read_only);
        o.data.groups.insert(
            "farms".into(),
            vec![crate::forms::record::Row {
                id: "a".into(),
                values: [
                    (
                        "farm_name".to_string(),
                        Value::Text("许昌市建安区兴旺生态养殖专业合作社".into()),
                    ),
                    ("species".to_string(), Value::Text("1".into())),
                ]
                .into_iter()
                .collect(),
            }],
        );
        update(&mut m, Msg::RecordOpened(Box::new(o)));
        let r = m.record.as_mut().unwrap();
        let pos = r
            .items
            .iter()
            .position(|i| matches!(i, crate::tui::screens::form::Item::Group(_)))
            .expect("the table");
        r.cursor = pos;
        let shot = render(&m, 80, 24);
        assert!(
            shot.contains("许昌市建安区兴旺生态养殖专业合作社"),
            "read-only {read_only}:\n{shot}"
        );
    }
    // A long village name on home.
    let mut s = startup(xuchang(), Lang::En);
    let long = "许昌市建安区陈曹乡大罗庄村民委员会第一居民小组";
    if let Some(&i) = s.tree.by_code.get("411003003204") {
        s.tree.units[i].name = long.into();
    }
    let (mut m, _) = Model::new(s, None);
    m.home.reveal("411003003204");
    let shot = render(&m, 80, 24);
    assert!(shot.contains(long), "{shot}");
    // A long message is wrapped, not cut.
    update(
        &mut m,
        Msg::Notice(crate::tui::shared::Notice::warn(format!(
            "{} tail-of-the-message",
            "x ".repeat(60)
        ))),
    );
    let shot = render(&m, 80, 24);
    assert!(shot.contains("tail-of-the-message"), "{shot}");
}
