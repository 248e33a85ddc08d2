//! Auto-replies (RFC 3834 and the common vendor conventions): out-of-office and vacation
//! responders. They are never bounces: the address works and a person will read the mail later.

use crate::message::MessageView;

/// Whether the headers or the subject say the message was generated automatically in reply.
pub fn is_auto_reply(view: &MessageView) -> bool {
    // RFC 3834: `auto-replied` (and `auto-notified`); `auto-generated` is not a reply.
    let auto_submitted = view
        .header("auto-submitted")
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v.starts_with("auto-replied") || v.starts_with("auto-notified"));
    // Headers set by common responders (Exchange, cPanel, Zimbra, vacation(1)).
    let vendor_header = [
        "x-autoreply",
        "x-autorespond",
        "x-autoresponder",
        "x-autoreply-from",
        "x-mail-autoreply",
    ]
    .iter()
    .any(|h| view.header(h).is_some())
        || view
            .header("precedence")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("auto_reply"))
        || view.header("x-ms-exchange-inbox-rules-loop").is_some()
            && subject_says_auto_reply(&view.subject);
    auto_submitted || vendor_header || subject_says_auto_reply(&view.subject)
}

/// Subject prefixes responders put on their replies, in the common languages.
fn subject_says_auto_reply(subject: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "automatic reply",
        "auto reply",
        "autoreply",
        "auto-reply",
        "auto:",
        "autosvar",
        "out of office",
        "out of the office",
        "away from my",
        "vacation reply",
        "on vacation",
        "abwesenheitsnotiz",
        "automatische antwort",
        "réponse automatique",
        "respuesta automática",
        "risposta automatica",
        "resposta automática",
        "автоответ",
        "自動応答",
        "不在",
    ];
    let lower = subject.trim().to_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p))
}
