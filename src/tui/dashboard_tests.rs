//! The dashboard: `update`-level tests on fixture data (open from home, panes, sort,
//! drill down and back), the effects on a temporary store, and snapshots at 80×24 and
//! 120×40 in Chinese and English.

use crate::forms::{FormSet, Lang};
use crate::register::Level;
use crate::report::dashboard::{Holdback, Holdbacks};
use crate::report::indicator::evaluate;
use crate::report::model::{Report, UnitReport};
use crate::report::rollup::indicator_infos;
use crate::store::DivisionRow;
use crate::tui::app::{Model, Screen, update};
use crate::tui::screens::dashboard::{Focus, Pane};
use crate::tui::shared::dashboard::{DashboardData, UnreportedRow, townships_of};
use crate::tui::shared::{Cmd, Msg};
use crate::tui::tests::{model, press, startup};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

const COUNTY: &str = "411003000000";

fn division(code: &str, name: &str, level: Level) -> DivisionRow {
    DivisionRow {
        code: code.into(),
        name: name.into(),
        parent: None,
        level,
        in_scope: level == Level::Village,
    }
}

/// A unit's row: (villages reported, in scope) and per indicator (numerator, denominator)
/// in the order of the form: garbage, harmless, sanitary, manure, farms, sewage, coverage.
fn unit(code: &str, name: &str, level: Level, scale: f64, reported: u64, scope: u64) -> UnitReport {
    let forms = FormSet::builtin();
    let sums = [
        (reported as f64 - 1.0, reported as f64),
        (0.78 * scale * 1000.0, scale * 1000.0),
        (0.9 * scale * 1000.0, scale * 1000.0),
        (0.7 * scale * 300.0, scale * 300.0),
        (18.0, 20.0),
        (reported as f64, reported as f64),
        (reported as f64, scope as f64),
    ];
    let indicators = indicator_infos(&forms)
        .iter()
        .zip(sums)
        .map(|(i, (n, d))| evaluate(&i.id, n, d, forms.target(&i.id)))
        .collect();
    UnitReport {
        code: code.into(),
        name: name.into(),
        level,
        villages_in_scope: scope,
        villages_reported: reported,
        indicators,
    }
}

fn county_data() -> Box<DashboardData> {
    let forms = FormSet::builtin();
    let units = vec![
        unit(COUNTY, "建安区", Level::County, 10.0, 300, 345),
        unit("411003001000", "将官池镇", Level::Township, 1.0, 20, 22),
        unit("411003002000", "新元街道", Level::Township, 0.5, 10, 10),
        unit("411003003000", "邓庄街道", Level::Township, 2.0, 12, 15),
    ];
    // 邓庄 is the worst for toilets, 新元 the best.
    let mut units = units;
    if let Some(v) = units[3].indicators.get_mut(1) {
        *v = evaluate("toilet_harmless", 1400.0, 2000.0, Some(0.85));
    }
    if let Some(v) = units[2].indicators.get_mut(1) {
        *v = evaluate("toilet_harmless", 480.0, 500.0, Some(0.85));
    }
    let own = &units[0];
    let holdbacks = own
        .indicators
        .iter()
        .filter_map(|v| {
            let s = v.shortfall?;
            // Gains in proportion to the shortfall: three villages close it.
            let villages: Vec<Holdback> = [
                ("411003003205", "蒋东村委会", 0.5),
                ("411003003206", "蒋西村委会", 0.3),
                ("411003001201", "大罗庄村委会", 0.25),
                ("411003001202", "小宋村委会\x1b[2J", 0.1),
            ]
            .iter()
            .map(|(c, n, share)| {
                let gain = (s * share).ceil().max(1.0);
                Holdback {
                    code: (*c).into(),
                    name: (*n).into(),
                    numerator: 100.0,
                    denominator: 100.0 + gain,
                    gain,
                }
            })
            .collect();
            let mut acc = 0.0;
            let needed = if s <= 0.0 {
                Some(0)
            } else {
                villages
                    .iter()
                    .position(|h| {
                        acc += h.gain;
                        acc >= s
                    })
                    .map(|i| i + 1)
            };
            Some(Holdbacks {
                indicator: v.id.clone(),
                shortfall: s,
                villages,
                needed,
            })
        })
        .collect();
    let trend = vec![
        (
            "2018".to_string(),
            unit(COUNTY, "建安区", Level::County, 10.0, 200, 345),
        ),
        (
            "2019".to_string(),
            unit(COUNTY, "建安区", Level::County, 10.0, 280, 345),
        ),
        ("2020".to_string(), units[0].clone()),
    ];
    let mut trend = trend;
    trend[0].1.indicators[1] = evaluate("toilet_harmless", 5200.0, 10000.0, Some(0.85));
    trend[1].1.indicators[1] = evaluate("toilet_harmless", 6900.0, 10000.0, Some(0.85));
    // Sanitary toilets: 91.5 % → 90.8 %, a small fall the chart must show.
    trend[1].1.indicators[2] = evaluate("toilet_sanitary", 9150.0, 10000.0, None);
    trend[2].1.indicators[2] = evaluate("toilet_sanitary", 9080.0, 10000.0, None);
    let unit_row = division(COUNTY, "建安区", Level::County);
    let report = Report {
        demo: false,
        round: "2020".into(),
        generated_at: "2020-06-15T10:00:00+08:00".into(),
        indicators: indicator_infos(&forms),
        units,
    };
    let townships = townships_of(&report, &unit_row);
    Box::new(DashboardData {
        unit: unit_row,
        round: "2020".into(),
        report,
        townships,
        villages_pending: false,
        holdbacks,
        unreported: vec![
            ("411003001203".into(), "石寨村委会".into()),
            ("411003001204".into(), "孟庄村委会".into()),
            ("411003003207".into(), "岗王村委会".into()),
            ("411003003208".into(), "孟庄村委会".into()),
        ],
        trend,
    })
}

fn township_data() -> Box<DashboardData> {
    let forms = FormSet::builtin();
    let code = "411003003000";
    Box::new(DashboardData {
        unit: division(code, "邓庄街道", Level::Township),
        round: "2020".into(),
        report: Report {
            demo: false,
            round: "2020".into(),
            generated_at: "2020-06-15T10:00:00+08:00".into(),
            indicators: indicator_infos(&forms),
            units: vec![
                unit(code, "邓庄街道", Level::Township, 2.0, 12, 15),
                unit("411003003205", "蒋东村委会", Level::Village, 0.2, 1, 1),
            ],
        },
        holdbacks: Vec::new(),
        unreported: Vec::new(),
        trend: Vec::new(),
        townships: [(code.to_string(), "邓庄街道".to_string())].into(),
        villages_pending: false,
    })
}

fn dashboard(lang: Lang) -> Model {
    let (mut m, _) = Model::new(
        startup(crate::tui::screens::home::tests::small_tree(), lang),
        None,
    );
    loaded(&mut m, county_data());
    m
}

/// The effect's two answers: computing, then the data.
fn loaded(m: &mut Model, data: Box<DashboardData>) {
    update(
        m,
        Msg::DashboardLoading {
            unit: data.unit.code.clone(),
            round: data.round.clone(),
        },
    );
    update(m, Msg::DashboardLoaded(data));
}

fn v(m: &Model) -> crate::tui::screens::dashboard::DashView {
    m.dashboard.as_ref().unwrap().view.clone().unwrap()
}

#[test]
fn open_switch_sort_drill_and_back() {
    let mut m = model();
    // The cursor is on the county.
    let cmds = press(&mut m, KeyCode::Char('d'));
    assert_eq!(
        cmds,
        vec![Cmd::LoadDashboard {
            unit: COUNTY.into(),
            round: "2020".into()
        }]
    );
    loaded(&mut m, county_data());
    assert_eq!(m.screen, Screen::Dashboard);
    assert_eq!(v(&m).pane, Pane::Units);
    assert_eq!(v(&m).focus, Focus::Indicators);

    // ↓ marks the toilet indicator; the table is ranked by it, worst first.
    press(&mut m, KeyCode::Down);
    assert_eq!(v(&m).indicator_id(), Some("toilet_harmless"));
    assert_eq!(v(&m).sort_id(), Some("toilet_harmless"));
    let order: Vec<String> = v(&m).children().iter().map(|u| u.name.clone()).collect();
    assert_eq!(order, vec!["邓庄街道", "将官池镇", "新元街道"]);
    // s switches to code order and back; the table never ranks by another indicator.
    press(&mut m, KeyCode::Char('s'));
    assert_eq!(v(&m).sort_id(), None);
    let order: Vec<String> = v(&m).children().iter().map(|u| u.code.clone()).collect();
    assert_eq!(order, vec!["411003001000", "411003002000", "411003003000"]);
    press(&mut m, KeyCode::Char('s'));
    assert_eq!(v(&m).sort_id(), Some("toilet_harmless"));

    // →/← and the digits choose the pane and leave the focus alone; Tab moves it.
    press(&mut m, KeyCode::Right);
    assert_eq!(
        (v(&m).pane, v(&m).focus),
        (Pane::Holdbacks, Focus::Indicators)
    );
    press(&mut m, KeyCode::Tab);
    assert_eq!(v(&m).focus, Focus::Rows);
    press(&mut m, KeyCode::Down);
    assert_eq!(v(&m).row, 1);
    press(&mut m, KeyCode::Char('3'));
    assert_eq!((v(&m).pane, v(&m).row), (Pane::Unreported, 0));
    press(&mut m, KeyCode::Left);
    assert_eq!(v(&m).pane, Pane::Holdbacks);
    press(&mut m, KeyCode::Left);
    press(&mut m, KeyCode::Left);
    assert_eq!(v(&m).pane, Pane::Trend, "← wraps round");
    // On the trend ↑↓ choose the indicator charted, whatever has the focus.
    press(&mut m, KeyCode::Down);
    assert_eq!(v(&m).indicator_id(), Some("toilet_sanitary"));
    press(&mut m, KeyCode::Up);
    press(&mut m, KeyCode::BackTab);
    assert_eq!(v(&m).focus, Focus::Indicators);

    // Enter on the indicators hands ↑↓ to the rows; on a unit it drills down.
    press(&mut m, KeyCode::Char('1'));
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    assert_eq!(v(&m).focus, Focus::Rows);
    let first = v(&m).children()[0].code.clone();
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::LoadDashboard {
            unit: first,
            round: "2020".into()
        }]
    );
    loaded(&mut m, township_data());
    let d = m.dashboard.as_ref().unwrap();
    assert_eq!(d.parents.len(), 1);
    assert_eq!(v(&m).data.unit.name, "邓庄街道");
    assert_eq!(v(&m).pane, Pane::Units, "the pane is kept");
    // A village row of a township opens its record.
    assert_eq!(
        press(&mut m, KeyCode::Enter),
        vec![Cmd::ViewRecord {
            village: "411003003205".into(),
            round: "2020".into()
        }]
    );

    // Esc goes back up, then home.
    press(&mut m, KeyCode::Esc);
    assert_eq!(v(&m).data.unit.code, COUNTY);
    assert_eq!(m.screen, Screen::Dashboard);
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    assert!(m.dashboard.is_none());
}

#[test]
fn unreported_villages_are_grouped_by_township() {
    let data = county_data();
    let rows = data.unreported_rows();
    assert_eq!(
        rows,
        vec![
            UnreportedRow::Township {
                code: "411003001000".into(),
                count: 2
            },
            UnreportedRow::Village(0),
            UnreportedRow::Village(1),
            UnreportedRow::Township {
                code: "411003003000".into(),
                count: 2
            },
            UnreportedRow::Village(2),
            UnreportedRow::Village(3),
        ]
    );
    assert_eq!(data.township_of("411003001204"), "将官池镇");
    assert_eq!(data.township_of("411003003208"), "邓庄街道");
    // Two 孟庄村委会 in different townships: each row says which.
    let mut m = dashboard(Lang::Zh);
    press(&mut m, KeyCode::Char('3'));
    let shot = render(&m, 80, 24);
    assert!(
        shot.contains("将官池镇  411003001000  · 2 个村未报"),
        "{shot}"
    );
    assert!(shot.contains("孟庄村委会 411003001204"), "{shot}");
    assert!(shot.contains("孟庄村委会 411003003208"), "{shot}");
}

#[test]
fn enter_on_a_village_opens_its_record_read_only_and_esc_comes_back() {
    let mut m = dashboard(Lang::Zh);
    // Holds back: the first village of the marked indicator.
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Char('2'));
    press(&mut m, KeyCode::Tab);
    press(&mut m, KeyCode::Down);
    let cmds = press(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::ViewRecord {
            village: "411003003206".into(),
            round: "2020".into()
        }]
    );
    // The holds-back rows show the township and the code.
    let shot = render(&m, 80, 24);
    assert!(shot.contains("蒋西村委会"), "{shot}");
    assert!(shot.contains("邓庄街道"), "{shot}");
    assert!(shot.contains("411003003206"), "{shot}");
    // The record opens read-only; Esc returns to the dashboard as it was.
    let before = v(&m);
    update(
        &mut m,
        Msg::RecordOpened(Box::new(crate::tui::tests::opened(Some("r1"), true))),
    );
    assert_eq!(m.screen, Screen::Form);
    assert!(m.record.as_ref().unwrap().read_only);
    // Looked at, not changed: `e` starts no revision here and the footer does not offer it
    // (a draft started from the dashboard was not listed on home).
    assert!(press(&mut m, KeyCode::Char('e')).is_empty());
    let shot = render(&m, 80, 24);
    assert!(!shot.contains("修改（新版本）"), "{shot}");
    assert!(shot.contains("返回看板"), "{shot}");
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Dashboard);
    assert_eq!(v(&m), before);
    assert!(m.record.is_none());

    // Unreported: a township header opens nothing, a village its record (or a notice).
    press(&mut m, KeyCode::Char('3'));
    assert!(press(&mut m, KeyCode::Enter).is_empty(), "header row");
    press(&mut m, KeyCode::Down);
    assert_eq!(
        press(&mut m, KeyCode::Enter),
        vec![Cmd::ViewRecord {
            village: "411003001203".into(),
            round: "2020".into()
        }]
    );
    // The effect's answer when there is no record is a notice; moving on clears it.
    update(
        &mut m,
        Msg::Notice(crate::tui::shared::Notice::info(
            "石寨村委会（411003001203）在 2020 轮还没有记录",
        )),
    );
    assert!(render(&m, 80, 24).contains("还没有记录"));
    press(&mut m, KeyCode::Down);
    assert!(m.notice.is_none());
}

#[test]
fn keys_are_answered_while_the_dashboard_loads() {
    let mut m = model();
    press(&mut m, KeyCode::Char('d'));
    update(
        &mut m,
        Msg::DashboardLoading {
            unit: COUNTY.into(),
            round: "2020".into(),
        },
    );
    assert_eq!(m.screen, Screen::Dashboard);
    let shot = render(&m, 80, 24);
    assert!(shot.contains("正在计算"), "{shot}");
    // Keys do no harm, help opens and closes, Esc leaves at once.
    for k in [
        KeyCode::Down,
        KeyCode::Tab,
        KeyCode::Enter,
        KeyCode::Char('s'),
    ] {
        assert!(press(&mut m, k).is_empty());
    }
    press(&mut m, KeyCode::Char('?'));
    assert!(m.help.is_some());
    press(&mut m, KeyCode::Esc);
    assert!(m.help.is_none());
    press(&mut m, KeyCode::Esc);
    assert_eq!(m.screen, Screen::Home);
    // The answer arriving after Esc is dropped: home stays.
    update(&mut m, Msg::DashboardLoaded(county_data()));
    assert_eq!(m.screen, Screen::Home);
    assert!(m.dashboard.as_ref().is_none_or(|d| d.view.is_none()));

    // While drilling down, the unit shown still answers keys; Esc stops waiting.
    let mut m = dashboard(Lang::En);
    update(
        &mut m,
        Msg::DashboardLoading {
            unit: "411003003000".into(),
            round: "2020".into(),
        },
    );
    assert!(render(&m, 80, 24).contains("computing…"));
    press(&mut m, KeyCode::Down);
    assert_eq!(v(&m).indicator, 1);
    press(&mut m, KeyCode::Esc);
    assert!(m.dashboard.as_ref().unwrap().loading.is_none());
    update(&mut m, Msg::DashboardLoaded(township_data()));
    assert_eq!(v(&m).data.unit.code, COUNTY, "dropped after Esc");
    assert_eq!(m.screen, Screen::Dashboard);

    // Figures first, village lists later: the lists say they are being computed.
    let mut m = model();
    let mut data = county_data();
    let (holdbacks, unreported) = (data.holdbacks.clone(), data.unreported.clone());
    data.holdbacks.clear();
    data.unreported.clear();
    data.villages_pending = true;
    loaded(&mut m, data);
    press(&mut m, KeyCode::Char('2'));
    press(&mut m, KeyCode::Tab);
    assert!(render(&m, 80, 24).contains("正在逐村计算"));
    assert!(press(&mut m, KeyCode::Enter).is_empty());
    update(
        &mut m,
        Msg::DashboardVillages {
            unit: COUNTY.into(),
            round: "2020".into(),
            holdbacks,
            unreported,
        },
    );
    assert!(!v(&m).data.villages_pending);
    assert_eq!(
        press(&mut m, KeyCode::Enter),
        vec![Cmd::ViewRecord {
            village: "411003003205".into(),
            round: "2020".into()
        }]
    );

    // A failure of the first load goes home with the reason.
    let mut m = model();
    update(
        &mut m,
        Msg::DashboardLoading {
            unit: COUNTY.into(),
            round: "2020".into(),
        },
    );
    update(
        &mut m,
        Msg::DashboardFailed {
            unit: COUNTY.into(),
            round: "2020".into(),
            error: crate::forms::Text::new("磁盘读写出错", "disk I/O error"),
        },
    );
    assert_eq!(m.screen, Screen::Home);
    // The failure is said in the screen's language.
    let text = &m.notice.as_ref().unwrap().text;
    assert_eq!(m.lang, crate::forms::Lang::Zh);
    assert!(
        text.contains("磁盘读写出错") && !text.contains("disk"),
        "{text}"
    );
}

#[test]
fn the_trend_is_scaled_to_its_values() {
    use super::screens::dashboard::trend_bounds;
    let (lo, hi) = trend_bounds(&[0.915, 0.908], Some(0.85));
    // 85 % is far below: left out, so the fall fills the chart.
    assert!(
        lo > 0.85 && lo < 0.908 && hi > 0.915 && hi < 0.93,
        "{lo} {hi}"
    );
    let at = |x: f64| (x - lo) / (hi - lo);
    assert!(at(0.915) - at(0.908) > 0.4, "{lo} {hi}");
    // A target near the values is taken in (to be drawn).
    let (lo, hi) = trend_bounds(&[0.78, 0.69, 0.52], Some(0.85));
    assert!(lo < 0.52 && hi >= 0.85, "{lo} {hi}");
    // Flat values get a range of at least one point; never beyond 0–100 %.
    let (lo, hi) = trend_bounds(&[1.0, 1.0], Some(1.0));
    assert!(hi <= 1.0 && hi - lo >= 0.01, "{lo} {hi}");
    assert_eq!(trend_bounds(&[], None), (0.0, 1.0));
    // The chart shows the values' range on its axis, not 0–100 %.
    let mut m = dashboard(Lang::Zh);
    press(&mut m, KeyCode::Char('4'));
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Down);
    let shot = render(&m, 80, 24);
    assert!(shot.contains("2019 91.5% → 2020 90.8%"), "{shot}");
    assert!(!shot.contains("100.0%\n"), "{shot}");
    assert!(shot.contains("轮次"), "{shot}");
}

#[test]
fn a_village_opens_its_townships_dashboard() {
    let mut m = model();
    m.home.reveal("411003003204");
    let cmds = press(&mut m, KeyCode::Char('d'));
    assert_eq!(
        cmds,
        vec![Cmd::LoadDashboard {
            unit: "411003003000".into(),
            round: "2020".into()
        }]
    );
}

#[test]
fn the_key_is_in_the_footer_and_help() {
    use super::keys::{Action, Ctx, footer};
    // On home the footer has no room for it at 80 columns; help lists every row.
    assert!(
        super::keys::TABLE
            .iter()
            .any(|b| b.ctx == Ctx::Home && b.action == Action::Dashboard)
    );
    let d = dashboard(Lang::Zh);
    assert_eq!(d.contexts()[0], Ctx::Dashboard);
    let hints = footer(&d.contexts(), false);
    for a in [Action::Open, Action::Back, Action::NextPane, Action::Sort] {
        assert!(hints.iter().any(|b| b.action == a), "{a:?}");
    }
}

mod store {
    use super::*;
    use crate::forms::record::{RecordData, parse_input};
    use crate::store::{FinalizeResult, Store};
    use crate::tui::effects::Effects;

    fn village(store: &mut Store, forms: &FormSet, code: &str, households: i64, harmless: i64) {
        let form = forms.village_form();
        let id = store
            .create_record(form, code, "2020", "t", &RecordData::default())
            .unwrap();
        for (k, v) in [
            ("survey_date", "2020-06-15".to_string()),
            ("surveyor", "t".into()),
            ("households", households.to_string()),
            ("population", (households * 3).to_string()),
            ("garbage_facilities", "yes".into()),
            ("garbage_technology", "yes".into()),
            ("garbage_cleaners", "yes".into()),
            ("garbage_funding", "yes".into()),
            ("garbage_supervision", "yes".into()),
            ("toilet_three_compartment", harmless.to_string()),
            ("toilet_double_urn", "0".into()),
            ("toilet_biogas", "0".into()),
            ("toilet_urine_diverting", "0".into()),
            ("toilet_double_pit", "0".into()),
            ("toilet_sewered_flush", "0".into()),
            ("toilet_other_sanitary", "0".into()),
            ("sewage_mode", "none".into()),
            ("sewage_controlled", "yes".into()),
            ("manure_scattered_produced_t", "0".into()),
            ("manure_scattered_utilized_t", "0".into()),
        ] {
            let val = parse_input(form.field(k).unwrap(), &v).unwrap();
            store.set_draft_value(&id, None, k, &val, "t").unwrap();
        }
        assert!(matches!(
            store.finalize(&id, form, "t").unwrap(),
            FinalizeResult::Finalized(_)
        ));
    }

    #[test]
    fn effects_load_a_township_down_to_its_villages() {
        let dir = tempfile::tempdir().unwrap();
        let forms = FormSet::builtin();
        let mut store = crate::context::open_store(dir.path(), &forms).unwrap();
        village(&mut store, &forms, "411003003204", 100, 90);
        village(&mut store, &forms, "411003003205", 200, 100);
        village(&mut store, &forms, "411003003206", 50, 10);
        let mut fx = Effects::new(store, forms, Some("张三".into()));
        let msgs = fx.run(
            Cmd::LoadDashboard {
                unit: "411003003000".into(),
                round: "2020".into(),
            },
            Lang::Zh,
        );
        assert!(
            matches!(msgs.as_slice(), [Msg::DashboardLoading { .. }]),
            "computed on a worker: {msgs:?}"
        );
        // The worker answers twice: the figures, then the village lists; applied to
        // the screen they give what one connection computes at once.
        let msgs = fx.wait_dashboard();
        let [Msg::DashboardLoaded(first), Msg::DashboardVillages { .. }] = msgs.as_slice() else {
            panic!("{msgs:?}");
        };
        assert!(first.villages_pending && first.unreported.is_empty());
        let (mut m, _) = Model::new(
            startup(crate::tui::screens::home::tests::small_tree(), Lang::Zh),
            None,
        );
        update(
            &mut m,
            Msg::DashboardLoading {
                unit: "411003003000".into(),
                round: "2020".into(),
            },
        );
        for msg in msgs {
            update(&mut m, msg);
        }
        let mut d = v(&m).data.clone();
        let whole = fx.dashboard("411003003000", "2020").unwrap();
        d.report.generated_at = whole.report.generated_at.clone();
        assert_eq!(*d, whole);
        let own = d.own().unwrap();
        assert_eq!((own.villages_reported, own.villages_in_scope), (3, 15));
        assert_eq!(d.unreported.len(), 12);
        let t = d.holdbacks_of("toilet_harmless").unwrap();
        assert_eq!(t.needed, Some(1));
        assert_eq!(t.villages[0].name, "蒋东村委会");
        assert_eq!(d.trend.len(), 1);
        assert_eq!(d.township_of("411003003204"), "邓庄街道");
        // The township's children are its villages in scope.
        let v = &v(&m);
        assert_eq!(v.children().len(), 15);
        assert!(v.children().iter().all(|u| u.level == Level::Village));

        // The county rolls up to townships.
        let msgs = fx.run(
            Cmd::LoadDashboard {
                unit: COUNTY.into(),
                round: "2020".into(),
            },
            Lang::En,
        );
        assert_eq!(msgs.len(), 1);
        let msgs = fx.wait_dashboard();
        let [Msg::DashboardLoaded(d), _] = msgs.as_slice() else {
            panic!("{msgs:?}");
        };
        assert!(d.report.units.iter().all(|u| u.level <= Level::Township));
    }

    #[test]
    fn view_record_shows_the_counted_revision_read_only_or_says_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let forms = FormSet::builtin();
        let mut store = crate::context::open_store(dir.path(), &forms).unwrap();
        village(&mut store, &forms, "411003003205", 200, 100);
        let mut fx = Effects::new(store, forms, Some("张三".into()));
        let msgs = fx.run(
            Cmd::ViewRecord {
                village: "411003003205".into(),
                round: "2020".into(),
            },
            Lang::Zh,
        );
        let [Msg::RecordOpened(o)] = msgs.as_slice() else {
            panic!("{msgs:?}");
        };
        assert!(o.read_only);
        assert_eq!(
            (o.village.code.as_str(), o.round.as_str()),
            ("411003003205", "2020")
        );
        assert_eq!(o.rev, Some(1));
        // Opened from the dashboard, the notice offers no key the screen does not bind.
        for lang in [Lang::Zh, Lang::En] {
            let mut m = super::dashboard(lang);
            update(&mut m, msgs[0].clone());
            assert_eq!(m.screen, Screen::Form);
            assert_eq!(m.contexts()[0], crate::tui::keys::Ctx::Viewing);
            let text = &m.notice.as_ref().unwrap().text;
            assert_eq!(text, &crate::i18n::tui_keys::viewing_record(lang));
            let edit = crate::i18n::key(
                crate::tui::keys::Ctx::ReadOnly,
                crate::tui::keys::Action::Edit,
            );
            assert!(!text.contains(&format!(" {edit} ")), "{text}");
        }
        // Another round, another village: no record, said so; nothing is created.
        for (village, round) in [("411003003205", "2021"), ("411003003206", "2020")] {
            let msgs = fx.run(
                Cmd::ViewRecord {
                    village: village.into(),
                    round: round.into(),
                },
                Lang::Zh,
            );
            let [Msg::Notice(n)] = msgs.as_slice() else {
                panic!("{msgs:?}");
            };
            assert!(
                n.text.contains(village) && n.text.contains("没有记录"),
                "{}",
                n.text
            );
            assert!(
                fx.store
                    .records_of("village", village, round)
                    .unwrap()
                    .is_empty()
            );
        }
    }
}

fn render(m: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| super::view::draw(m, f)).expect("draw");
    super::snapshot_tests::screen_text(t.backend().buffer())
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

#[test]
fn snapshot_units() {
    check("dashboard_units", |lang| {
        let mut m = dashboard(lang);
        press(&mut m, KeyCode::Down);
        m
    });
}

#[test]
fn snapshot_holdbacks() {
    check("dashboard_holdbacks", |lang| {
        let mut m = dashboard(lang);
        press(&mut m, KeyCode::Down);
        press(&mut m, KeyCode::Char('2'));
        // The rows have the focus: the one under the cursor is read in full below.
        press(&mut m, KeyCode::Tab);
        press(&mut m, KeyCode::Down);
        press(&mut m, KeyCode::Down);
        press(&mut m, KeyCode::Down);
        m
    });
}

#[test]
fn snapshot_unreported_and_trend() {
    check("dashboard_unreported", |lang| {
        let mut m = dashboard(lang);
        press(&mut m, KeyCode::Char('3'));
        m
    });
    check("dashboard_trend", |lang| {
        let mut m = dashboard(lang);
        press(&mut m, KeyCode::Char('4'));
        m
    });
}

#[test]
fn nothing_essential_is_cut_at_80x24() {
    let shot = render(&dashboard(Lang::Zh), 80, 24);
    for s in ["建安区", "覆盖率", "≥85%", "差", "下级单位", "Esc"] {
        assert!(shot.contains(s), "{s}:\n{shot}");
    }
    assert!(!shot.contains('\x1b'));
}

#[test]
fn snapshot_drilled_into_a_township() {
    check("dashboard_drill", |lang| {
        let mut m = dashboard(lang);
        press(&mut m, KeyCode::Char('1'));
        press(&mut m, KeyCode::Enter);
        loaded(&mut m, township_data());
        m
    });
}
