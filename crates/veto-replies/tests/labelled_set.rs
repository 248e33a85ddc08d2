//! The classifier against the labelled reply sets kept in the repository (`testdata/replies`
//! and every held-out set, written for the project: see `testdata/README.md`).

use std::path::Path;

use veto_replies::{ReplyClass, evaluate_dir};

fn dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

#[test]
fn in_repo_set_meets_the_targets() {
    let eval = evaluate_dir(&dir("replies")).expect("labelled set reads");
    println!("{}", eval.render_table());
    assert!(eval.messages() >= 300, "set too small: {}", eval.messages());
    assert!(
        eval.stop_recall() >= 0.99,
        "stop recall {}",
        eval.stop_recall()
    );
    assert!(
        eval.stop_false_positive_rate() <= 0.01,
        "stop FP rate {}",
        eval.stop_false_positive_rate()
    );
    assert!(eval.accuracy() >= 0.90, "accuracy {}", eval.accuracy());
    assert!(
        eval.return_date_accuracy() >= 0.90,
        "return date accuracy {}",
        eval.return_date_accuracy()
    );
    let json = eval.to_json();
    for key in [
        "messages",
        "accuracy",
        "stop_recall",
        "stop_false_positive_rate",
        "return_date_accuracy",
        "classes",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from JSON");
    }
    assert!(eval.render_table().contains("not_interested"));
}

#[test]
fn held_out_set_meets_the_targets() {
    // Every held-out set was scored once before any rule change (figures in
    // testdata/README.md); the rules were widened afterwards and the learned model is trained
    // on all of them, so these now guard against regressions rather than measure
    // generalisation (for that, see examples/crossval.rs).
    for (name, min) in [
        ("replies-holdout", 80),
        ("replies-holdout-2", 40),
        ("replies-holdout-3", 110),
        ("replies-holdout-4", 75),
        ("replies-holdout-5", 75),
        ("replies-holdout-6", 100),
        ("holdout7", 140),
        ("holdout8", 140),
        ("holdout9", 125),
        ("holdout10", 125),
        ("holdout11", 130),
        ("holdout12", 125),
        ("holdout13", 140),
        ("holdout14", 145),
    ] {
        let eval = evaluate_dir(&dir(name)).expect("held-out set reads");
        println!("{name}\n{}", eval.render_table());
        assert!(
            eval.messages() >= min,
            "{name} too small: {}",
            eval.messages()
        );
        assert!(
            eval.stop_recall() >= 0.99,
            "{name} stop recall {}",
            eval.stop_recall()
        );
        assert!(
            eval.stop_false_positive_rate() <= 0.01,
            "{name} stop FP rate {}",
            eval.stop_false_positive_rate()
        );
        // Raised from 0.90 once every set scored at least 97% (after holdout13/14).
        assert!(
            eval.accuracy() >= 0.95,
            "{name} accuracy {}",
            eval.accuracy()
        );
        assert!(
            eval.return_date_accuracy() >= 0.95,
            "{name} return date accuracy {}",
            eval.return_date_accuracy()
        );
    }
}

#[test]
fn every_language_is_represented() {
    let eval = evaluate_dir(&dir("replies")).expect("labelled set reads");
    for lang in veto_replies::Language::ALL {
        let n = eval
            .rows
            .iter()
            .filter(|r| r.expected_language == Some(lang))
            .count();
        assert!(n >= 25, "{lang}: only {n} messages");
    }
    for class in ReplyClass::ALL {
        assert!(
            eval.class_stats(class).support >= 10,
            "{class}: too few messages"
        );
    }
}

#[test]
fn evaluate_dir_reports_bad_folders() {
    let tmp = std::env::temp_dir().join(format!("veto-replies-eval-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    assert!(evaluate_dir(&tmp).is_err(), "missing labels.jsonl");
    std::fs::write(
        tmp.join("labels.jsonl"),
        "{\"file\": \"a.eml\", \"class\": \"maybe\"}\n",
    )
    .unwrap();
    let err = evaluate_dir(&tmp).unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
    std::fs::write(
        tmp.join("labels.jsonl"),
        "{\"file\": \"a.eml\", \"class\": \"other\", \"return_date\": null}\n",
    )
    .unwrap();
    std::fs::write(tmp.join("a.eml"), b"").unwrap();
    let eval = evaluate_dir(&tmp).unwrap();
    assert_eq!(eval.rows[0].predicted, ReplyClass::Other);
    assert!(eval.rows[0].error.is_some());
    std::fs::remove_dir_all(&tmp).unwrap();
}
