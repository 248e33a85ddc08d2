//! Properties of the quote and signature stripper: it never panics, keeps a subsequence of
//! the input's lines, and is idempotent; cutting the writer's own mailing footer keeps a
//! prefix of the lines and leaves a fixed point of the stripper.

use proptest::prelude::*;
use veto_replies::new_text;
use veto_replies::strip::without_own_footer;

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Zäöüéèñçß ,.!?:;<>@_\\-]{0,40}",
        Just("> Reply STOP to unsubscribe".to_string()),
        Just("On Mon, Dec 7, 2026 at 10:02 AM Anna <anna@x.io> wrote:".to_string()),
        Just("-- ".to_string()),
        Just("From: Anna <anna@x.io>".to_string()),
        Just("Sent: Monday".to_string()),
        Just("Best regards,".to_string()),
        Just("Sent from my iPhone".to_string()),
        Just("________________________________".to_string()),
        Just("пн, 7 дек. 2026 г. в 10:02, Anna <anna@x.io>:".to_string()),
        Just(String::new()),
        Just("Unsubscribe from Acme updates: https://acme.example/unsubscribe".to_string()),
        Just("Manage your preferences at www.acme.example/prefs or opt out".to_string()),
        Just("Please remove me: https://brightline.example/unsubscribe".to_string()),
    ]
}

proptest! {
    #[test]
    fn output_is_a_subsequence_of_lines_and_idempotent(lines in prop::collection::vec(line(), 0..25), crlf in any::<bool>()) {
        let body = lines.join(if crlf { "\r\n" } else { "\n" });
        let out = new_text(&body);
        let input: Vec<&str> = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
        let mut pos = 0;
        for l in out.lines() {
            let found = input[pos..].iter().position(|x| *x == l);
            prop_assert!(found.is_some(), "line {:?} not in input order", l);
            pos += found.unwrap_or(0) + 1;
        }
        prop_assert_eq!(new_text(&out), out.clone());
        prop_assert!(!out.lines().any(|l| l.trim_start().starts_with('>')));
    }

    #[test]
    fn own_footer_cut_keeps_a_prefix_and_a_fixed_point(lines in prop::collection::vec(line(), 0..25)) {
        let stripped = new_text(&lines.join("\n"));
        let out = without_own_footer(&stripped, "acme.example");
        let kept: Vec<&str> = out.lines().collect();
        let all: Vec<&str> = stripped.lines().collect();
        prop_assert!(kept.len() <= all.len());
        prop_assert_eq!(&kept[..], &all[..kept.len()]);
        prop_assert_eq!(new_text(&out), out.clone());
        prop_assert_eq!(without_own_footer(&out, "acme.example"), out.clone());
        prop_assert_eq!(without_own_footer(&stripped, "other.example"), stripped.clone());
    }

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,400}") {
        let _ = new_text(&s);
    }
}
