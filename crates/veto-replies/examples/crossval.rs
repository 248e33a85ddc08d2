//! Leave-one-set-out cross-validation of the learned model combined with the rules.
//!
//! `cargo run --release -p veto-replies --example crossval -- [--first DIR] [--stop P]
//! [--refusal P] [--positive P] [--other P] [--clause P] [--request P] [--no-phrases] [--sweep] [--show] [--mistakes] [--dump]
//! [--markdown] [--phrase-weight W] [SET_DIR …]`
//!
//! The models of each fold also train on the phrase lists of `testdata/grammar/` (not with
//! `--no-phrases`), which belong to no held-out set.
//!
//! Columns: the current rules; the rules at first scoring; the model alone (trained on the
//! other sets); the model with the current rules; the model with the rules at first scoring.
//! `--show` lists the stop-related mistakes, `--mistakes` every mistake, `--dump` every
//! reply's scores (tab-separated).
//!
//! With no set folders, every folder of `testdata/` is used. `--first DIR` reads
//! `DIR/pred-<set>.json`, an earlier build's `eval --json` output on that set, as the rules'
//! decisions at the set's first scoring (rows not listed as mistakes were right).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use veto_replies::ReplyClass;
use veto_replies::crossval::{self, Figures, Item};
use veto_replies::eval::PhraseLabel;
use veto_replies::learned::{Policy, TrainOptions};

/// A set's first scoring: the class and return date of each message it got wrong.
type FirstScoring = HashMap<String, (ReplyClass, Option<time::Date>)>;

fn first_scoring(dir: &Path, set: &str) -> Option<FirstScoring> {
    let text = std::fs::read_to_string(dir.join(format!("pred-{set}.json"))).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut out = HashMap::new();
    for m in v.get("mistakes")?.as_array()? {
        let file = m.get("file")?.as_str()?.to_string();
        let predicted: ReplyClass = m.get("predicted")?.as_str()?.parse().ok()?;
        let date = m
            .get("predicted_return_date")
            .and_then(|d| d.as_str())
            .and_then(|d| time::Date::parse(d, format).ok());
        out.insert(file, (predicted, date));
    }
    Some(out)
}

/// One line of the table: plain columns, or a Markdown row.
fn row(markdown: bool, name: &str, f: &[Figures; 5]) {
    let cell = |x: &Figures| {
        if x.messages == 0 {
            "-".to_string()
        } else if markdown {
            format!(
                "{:.1}%, {:.1}% ({}/{}), {:.1}% ({}/{}), {:.1}% ({}/{})",
                x.accuracy() * 100.0,
                x.stop_recall() * 100.0,
                x.stops_found,
                x.stops,
                x.stop_false_positive_rate() * 100.0,
                x.false_stops,
                x.messages - x.stops,
                x.return_date_accuracy() * 100.0,
                x.return_dates_right,
                x.return_dates
            )
        } else {
            x.line()
        }
    };
    if markdown {
        println!(
            "| `{name}` | {} | {} | {} | {} | {} |",
            cell(&f[0]),
            cell(&f[1]),
            cell(&f[2]),
            cell(&f[3]),
            cell(&f[4])
        );
    } else {
        println!(
            "{:<18} {:<48} {:<48} {:<48} {:<48} {:<48}",
            name,
            cell(&f[0]),
            cell(&f[1]),
            cell(&f[2]),
            cell(&f[3]),
            cell(&f[4])
        );
    }
}

fn main() -> ExitCode {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut first: Option<PathBuf> = None;
    let mut policy = Policy::default();
    let mut options = TrainOptions::default();
    let mut sweep = false;
    let mut show = false;
    let mut markdown = false;
    let mut dump = false;
    let mut phrases = true;
    let mut all_mistakes = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> Option<f32> {
            let v = args.next().and_then(|s| s.parse().ok());
            if v.is_none() {
                eprintln!("{what} needs a number");
            }
            v
        };
        match a.as_str() {
            "--first" => first = args.next().map(PathBuf::from),
            "--stop" => match num("--stop") {
                Some(v) => policy.stop_over_other = v,
                None => return ExitCode::from(2),
            },
            "--other" => match num("--other") {
                Some(v) => policy.other = v,
                None => return ExitCode::from(2),
            },
            "--epochs" => match num("--epochs") {
                Some(v) => options.epochs = v as usize,
                None => return ExitCode::from(2),
            },
            "--lr" => match num("--lr") {
                Some(v) => options.learning_rate = v,
                None => return ExitCode::from(2),
            },
            "--l2" => match num("--l2") {
                Some(v) => options.l2 = v,
                None => return ExitCode::from(2),
            },
            "--min-count" => match num("--min-count") {
                Some(v) => options.min_count = v as usize,
                None => return ExitCode::from(2),
            },
            "--phrase-weight" => match num("--phrase-weight") {
                Some(v) => options.phrase_weight = v,
                None => return ExitCode::from(2),
            },
            "--prune" => match num("--prune") {
                Some(v) => options.prune = v,
                None => return ExitCode::from(2),
            },
            "--refusal" => match num("--refusal") {
                Some(v) => policy.stop_over_refusal = v,
                None => return ExitCode::from(2),
            },
            "--positive" => match num("--positive") {
                Some(v) => policy.stop_over_positive = v,
                None => return ExitCode::from(2),
            },
            "--request" => match num("--request") {
                Some(v) => policy.request = v,
                None => return ExitCode::from(2),
            },
            "--no-phrases" => phrases = false,
            "--clause" => match num("--clause") {
                Some(v) => policy.clause = v,
                None => return ExitCode::from(2),
            },
            "--sweep" => sweep = true,
            "--show" => show = true,
            "--mistakes" => {
                show = true;
                all_mistakes = true;
            }
            "--markdown" => markdown = true,
            "--dump" => dump = true,
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    if dirs.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let Ok(rd) = std::fs::read_dir(&root) else {
            eprintln!("cannot read {}", root.display());
            return ExitCode::FAILURE;
        };
        dirs = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("labels.jsonl").is_file())
            .collect();
        dirs.sort();
    }
    let mut sets: Vec<Vec<Item>> = Vec::new();
    for d in &dirs {
        match crossval::load_set(d) {
            Ok(s) => sets.push(s),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let extra = if phrases {
        match crossval::load_phrases(&root.join("grammar").join("phrases.tsv"), "grammar") {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        Vec::new()
    };
    let folds = crossval::leave_one_set_out(&sets, &extra, &options);
    println!(
        "{:<18} {:<48} {:<48} {:<48} {:<48} {:<48}",
        "held-out set",
        "rules now",
        "rules at first scoring",
        "model alone",
        "model + rules now",
        "model + rules at first scoring"
    );
    let mut totals = [Figures::default(); 5];
    let mut sweep_items: Vec<(Item, veto_replies::learned::Scores, usize)> = Vec::new();
    for (sweep_fold, (set, fold)) in sets.iter().zip(&folds).enumerate() {
        let old = first.as_deref().and_then(|d| first_scoring(d, &fold.set));
        let mut f = [Figures::default(); 5];
        for item in set {
            let scores = fold.model.scores(&item.features);
            f[0].add_item(item, item.rules);
            f[2].add_item(item, crossval::model_alone(item, &scores));
            f[3].add_item(item, crossval::predict(item, fold, &policy));
            let then = old.as_ref().map(|old| {
                old.get(&item.file)
                    .copied()
                    .unwrap_or((item.expected, item.expected_return))
            });
            if let Some((class, date)) = then {
                let at_first = item.replay(class, date);
                f[1].add_item(&at_first, class);
                f[4].add_item(&at_first, crossval::predict(&at_first, fold, &policy));
                sweep_items.push((at_first, scores, sweep_fold));
            }
            let (base, base_return) = then.unwrap_or((item.rules, item.rules_return));
            let replayed = item.replay(base, base_return);
            let combined = crossval::predict(&replayed, fold, &policy);
            let stop = ReplyClass::Unsubscribe;
            if dump {
                let probs: Vec<String> = scores.0.iter().map(|p| format!("{p:.4}")).collect();
                println!(
                    "DUMP\t{}\t{}\t{}\t{}\t{}\t{}\t{:?}\t{}\t{}\t{}\t{}\t{:.4}\t{}\t{:.4}\t{}",
                    fold.set,
                    item.file,
                    item.expected,
                    base,
                    item.rules,
                    item.view.refused,
                    item.origin,
                    probs.join(","),
                    item.view.writer,
                    item.view.subject_stop,
                    item.without_stop,
                    fold.model
                        .best_clause(&item.clauses, ReplyClass::Unsubscribe),
                    replayed.view.mention_only,
                    veto_replies::mention::request_probability(&fold.mention, &replayed.mentions),
                    item.new_text
                        .replace(['\n', '\t'], " / ")
                        .chars()
                        .take(140)
                        .collect::<String>()
                );
            }
            let stop_related = combined == stop || base == stop || item.expected == stop;
            if show
                && (combined != item.expected || base != item.expected)
                && (stop_related || all_mistakes)
            {
                println!(
                    "  {}/{}  {} | rules {} | combined {} | p(stop) {:.2} | request {:.2} | {}",
                    fold.set,
                    item.file,
                    item.expected,
                    base,
                    combined,
                    scores.of(ReplyClass::Unsubscribe),
                    veto_replies::mention::request_probability(&fold.mention, &replayed.mentions),
                    item.new_text
                        .replace('\n', " / ")
                        .chars()
                        .take(160)
                        .collect::<String>()
                );
            }
        }
        row(markdown, &fold.set, &f);
        for (t, x) in totals.iter_mut().zip(&f) {
            t.merge(x);
        }
    }
    row(markdown, "all", &totals);
    // The probes, scored with models trained on every set (and the phrase lists): they are
    // never trained on, so they test what the sets teach.
    let probes_path = root.join("grammar").join("probes.tsv");
    match (
        veto_replies::eval::read_phrases(&probes_path),
        crossval::load_phrases(&probes_path, "probes"),
    ) {
        (Ok(labels), Ok(items)) => {
            let all = sets.iter().flatten().chain(&extra);
            let (model, mention) = crossval::train_models(all, &options);
            let fold = crossval::Fold {
                set: "probes".to_string(),
                model,
                mention,
            };
            let (mut right, mut missed, mut false_stops) = (0, 0, 0);
            for (p, item) in labels.iter().zip(&items) {
                let got = crossval::predict(item, &fold, &policy);
                let ok = match p.label {
                    PhraseLabel::Is(c) => got == c,
                    PhraseLabel::IsNot(c) => got != c,
                };
                let stop = ReplyClass::Unsubscribe;
                missed += usize::from(p.label == PhraseLabel::Is(stop) && got != stop);
                false_stops += usize::from(p.label != PhraseLabel::Is(stop) && got == stop);
                right += usize::from(ok);
                if !ok && show {
                    println!("  probe {:?} got {got}: {}", p.label, p.text);
                }
            }
            println!(
                "probes (models trained on every set): {right}/{} right, {missed} stop requests missed, {false_stops} false stops",
                labels.len()
            );
        }
        (Err(e), _) | (_, Err(e)) => eprintln!("probes: {e}"),
    }
    if sweep {
        let pooled = |p: &Policy| {
            let mut f = Figures::default();
            for (item, scores, k) in &sweep_items {
                let Some(fold) = folds.get(*k) else {
                    continue;
                };
                let predicted = match item.origin {
                    veto_replies::classify::Origin::Person => {
                        crossval::decided(item, p, fold, scores)
                    }
                    _ => item.rules,
                };
                f.add_item(item, predicted);
            }
            f
        };
        println!("\nthreshold sweeps, rules at first scoring, pooled:");
        for t in [0.2f32, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
            let p = Policy {
                stop_over_other: t,
                ..policy
            };
            println!("  stop over other {t:.2}  {}", pooled(&p).line());
        }
        for t in [0.0f32, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] {
            let p = Policy {
                request: t,
                ..policy
            };
            println!("  request {t:.2}  {}", pooled(&p).line());
        }
        // Every combination of the bars for adding a stop request and of the request bar:
        // the ones no other combination beats on both recall and false stops.
        let mut grid: Vec<(Policy, Figures)> = Vec::new();
        for other in [0.4f32, 0.5, 0.6, 0.7, 0.8] {
            for refusal in [0.3f32, 0.4, 0.5, 0.6, 0.7] {
                for positive in [0.6f32, 0.7, 0.8, 0.9] {
                    for request in [0.1f32, 0.3, 0.5] {
                        for clause in [0.2f32, 0.3, 0.5] {
                            let p = Policy {
                                stop_over_other: other,
                                stop_over_refusal: refusal,
                                stop_over_positive: positive,
                                request,
                                clause,
                                ..policy
                            };
                            grid.push((p, pooled(&p)));
                        }
                    }
                }
            }
        }
        println!("\nbest combinations (no other has both more stops found and fewer false stops):");
        for (p, f) in &grid {
            let beaten = grid.iter().any(|(_, g)| {
                g.stops_found >= f.stops_found
                    && g.false_stops <= f.false_stops
                    && (g.stops_found > f.stops_found || g.false_stops < f.false_stops)
            });
            if !beaten {
                println!(
                    "  other {:.1} refusal {:.1} positive {:.1} request {:.1} clause {:.1}  {}",
                    p.stop_over_other,
                    p.stop_over_refusal,
                    p.stop_over_positive,
                    p.request,
                    p.clause,
                    f.line()
                );
            }
        }
    }
    ExitCode::SUCCESS
}
