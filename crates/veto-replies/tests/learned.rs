//! The learned model: the shipped file is the one training produces from the sets it names,
//! training is deterministic, and cross-validation by set trains one model per held-out set.

use std::path::{Path, PathBuf};

use veto_replies::ReplyClass;
use veto_replies::crossval::{self, Figures};
use veto_replies::learned::{self, Model, TrainOptions};

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

#[test]
fn the_shipped_models_name_the_sets_they_were_trained_on() {
    let (model, mention) = (Model::builtin(), veto_replies::mention::builtin());
    assert!(model.len() > 1000, "model too small: {}", model.len());
    assert!(
        mention.len() > 100,
        "mention model too small: {}",
        mention.len()
    );
    let trained_on = |m: &Model| {
        m.provenance
            .iter()
            .find_map(|l| l.strip_prefix("trained on "))
            .expect("provenance line")
            .to_string()
    };
    // Both models come from one training run.
    assert_eq!(trained_on(model), trained_on(mention));
    let line = trained_on(model);
    let (total, sets) = line.split_once(" messages: ").expect("count and sets");
    let total: usize = total.parse().unwrap();
    let mut sum = 0;
    for entry in sets.split(", ") {
        let (name, count) = entry.split_once(" (").expect("name (count)");
        let count: usize = count.trim_end_matches(')').parse().unwrap();
        let found = if name.ends_with(".tsv") {
            veto_replies::eval::read_phrases(&testdata(name))
                .expect("phrase list exists")
                .len()
        } else {
            veto_replies::eval::read_labels(&testdata(name))
                .expect("set exists")
                .len()
        };
        assert_eq!(found, count, "{name} changed since training: retrain");
        sum += count;
    }
    assert_eq!(sum, total);
    // Every labelled set is in it.
    for set in learned::training_sets(&testdata("")).unwrap() {
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            sets.split(", ")
                .any(|e| e.starts_with(&format!("{name} ("))),
            "{name} is not in the shipped model: retrain"
        );
    }
}

#[test]
fn training_is_deterministic_and_survives_the_text_form() {
    let items = crossval::load_set(&testdata("replies-holdout-2")).unwrap();
    let examples = crossval::examples(&items, 1.0);
    let options = TrainOptions {
        epochs: 5,
        ..TrainOptions::default()
    };
    let a = learned::train(&examples, &options).to_text();
    let b = learned::train(&examples, &options).to_text();
    assert_eq!(a, b);
    let model = Model::from_text(&a).unwrap();
    assert_eq!(model.to_text(), a);
    // It learned its own training set.
    let right = items
        .iter()
        .filter(|i| {
            model
                .scores(&i.features)
                .best_of(&ReplyClass::ALL)
                .map(|(c, _)| c)
                == Some(i.expected)
        })
        .count();
    assert!(right * 10 >= items.len() * 9, "{right}/{}", items.len());
}

#[test]
fn leave_one_set_out_trains_one_model_per_held_out_set() {
    let sets = vec![
        crossval::load_set(&testdata("replies-holdout-2")).unwrap(),
        crossval::load_set(&testdata("replies-holdout-5")).unwrap(),
    ];
    let options = TrainOptions {
        epochs: 5,
        ..TrainOptions::default()
    };
    let folds = crossval::leave_one_set_out(&sets, &[], &options);
    assert_eq!(folds.len(), 2);
    assert_eq!(folds[0].set, "replies-holdout-2");
    let mut f = Figures::default();
    for item in &sets[0] {
        f.add(
            item.expected,
            crossval::predict(item, &folds[0], &Default::default()),
        );
    }
    assert_eq!(f.messages, sets[0].len());
    assert!(f.stops > 0 && f.stops_found <= f.stops);
    assert!(f.line().contains('%'));
}

fn class_of(body: &str) -> ReplyClass {
    let raw = format!(
        "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    veto_replies::classify(raw.as_bytes())
        .map(|c| c.class)
        .unwrap_or(ReplyClass::Other)
}

/// Stop requests phrased outside the cue tables (object before the verb, first person
/// plural, a negation the tables lack), written for this test: the model adds them.
#[test]
fn the_model_adds_stop_requests_the_tables_miss() {
    for body in [
        "Könnten Sie uns aus Ihrem Verteiler nehmen?",
        "Bitte unsere Kontaktdaten löschen.",
        "Ons adres mag uit jullie bestand.",
    ] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

/// A directive is never dropped, whatever the model says; a bare mention of opting out
/// that the model all but rules out is.
#[test]
fn only_mentions_of_opting_out_are_dropped() {
    for body in ["Don't send anything else.", "Don't send me anything else."] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
    for body in [
        "Don't stop now, this is exactly what we need. Can we talk Thursday?",
        "Do your campaigns handle unsubscribes for our clients automatically?",
    ] {
        assert_ne!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}
