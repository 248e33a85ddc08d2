//! Bounces reported by providers, judged by Veto's own bounce rules: the reason comes from the
//! rule table of `veto_bounce` (status code, reply code, diagnostic text, remote server), the
//! provider's own bounce type is the fallback, and hard/soft follows the reason.

use veto_bounce::{Reason, Severity};

use crate::event::EventKind;

/// What a provider reports about one failed recipient.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct BounceReport<'a> {
    /// The recipient address.
    pub recipient: &'a str,
    /// The provider judged the failure permanent.
    pub permanent: bool,
    /// The message is still queued (a deferral), not given up.
    pub delayed: bool,
    /// The enhanced status code the provider gave, if any.
    pub status: Option<&'a str>,
    /// The remote reply or the provider's explanation, possibly with a `smtp;` prefix.
    pub diagnostic: Option<&'a str>,
    /// The remote server, when the provider names it.
    pub remote_mta: Option<&'a str>,
    /// The reason the provider's own bounce type or subtype stands for.
    pub fallback: Option<Reason>,
}

/// The judgement on one failed recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BounceVerdict {
    pub kind: EventKind,
    pub reason: Reason,
    pub status: Option<String>,
    pub reply_code: Option<u16>,
}

/// Reasons that say nothing about the failure itself: the provider's word stands instead.
fn is_informative(reason: Reason) -> bool {
    !matches!(
        reason,
        Reason::OnHold
            | Reason::Undefined
            | Reason::Suppressed
            | Reason::Delivered
            | Reason::Vacation
            | Reason::Feedback
    )
}

/// Drops a DSN diagnostic type (`smtp;`, `X-Postfix;`) in front of the reply.
pub(crate) fn strip_diagnostic_type(text: &str) -> &str {
    let trimmed = text.trim();
    match trimmed.split_once(';') {
        Some((ty, rest))
            if !ty.is_empty()
                && ty.len() <= 16
                && ty.starts_with(|c: char| c.is_ascii_alphabetic())
                && ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            rest.trim()
        }
        _ => trimmed,
    }
}

/// Judges one failed recipient.
///
/// A failure the provider calls permanent is a hard bounce unless the rule table finds a
/// reason that is not about the address (a full mailbox, a block, spam filtering …); a
/// temporary one is always soft.
pub(crate) fn judge(report: &BounceReport<'_>) -> BounceVerdict {
    let diagnostic = report.diagnostic.map(strip_diagnostic_type).unwrap_or("");
    let status = report
        .status
        .map(str::trim)
        .filter(|s| veto_bounce::smtp::find_status(s).as_deref() == Some(*s));
    let action = if report.delayed { "delayed" } else { "failed" };
    let result = veto_bounce::classify_recipient(
        report.recipient,
        status,
        diagnostic,
        Some(action),
        report.remote_mta,
    );
    let mut reason = result.reason;
    // For a deferral the rules answer `expired` when the reply says nothing more; the
    // provider's delay type is the better word then.
    let only_delayed = report.delayed && reason == Reason::Expired;
    // `filtered` is the rules' answer to a refusal of the recipient whose SMTP stage is
    // unknown (after DATA it is a filter, at RCPT an unknown user); provider events never
    // name the stage, so the provider's own classification decides.
    let stage_unknown = reason == Reason::Filtered;
    if (only_delayed || stage_unknown || !is_informative(reason))
        && let Some(fallback) = report.fallback
    {
        reason = fallback;
    }
    if reason == Reason::Delivered {
        reason = Reason::Undefined;
    }
    let soft_by_rule =
        is_informative(reason) && reason.severity_for(result.status.as_deref()) != Severity::Hard;
    let kind = if !report.permanent || report.delayed || soft_by_rule {
        EventKind::SoftBounce
    } else {
        EventKind::HardBounce
    };
    BounceVerdict {
        kind,
        reason,
        status: result.status,
        reply_code: result.reply_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permanent(diagnostic: &str) -> BounceVerdict {
        judge(&BounceReport {
            recipient: "jane@example.com",
            permanent: true,
            diagnostic: Some(diagnostic),
            ..BounceReport::default()
        })
    }

    #[test]
    fn unknown_user_is_hard() {
        let v = permanent("smtp; 550 5.1.1 <jane@example.com>... User unknown");
        assert_eq!(v.kind, EventKind::HardBounce);
        assert_eq!(v.reason, Reason::UserUnknown);
        assert_eq!(v.status.as_deref(), Some("5.1.1"));
        assert_eq!(v.reply_code, Some(550));
    }

    #[test]
    fn full_mailbox_is_soft_even_when_permanent() {
        let v = permanent("smtp; 552 5.2.2 Mailbox full: quota exceeded");
        assert_eq!(v.reason, Reason::MailboxFull);
        assert_eq!(v.kind, EventKind::SoftBounce);
    }

    #[test]
    fn silence_falls_back_on_the_provider() {
        let v = judge(&BounceReport {
            recipient: "a@b.example",
            permanent: true,
            fallback: Some(Reason::UserUnknown),
            ..BounceReport::default()
        });
        assert_eq!(v.reason, Reason::UserUnknown);
        assert_eq!(v.kind, EventKind::HardBounce);
        let v = judge(&BounceReport {
            recipient: "a@b.example",
            permanent: true,
            ..BounceReport::default()
        });
        assert_eq!(v.kind, EventKind::HardBounce);
    }

    #[test]
    fn temporary_is_always_soft() {
        let v = judge(&BounceReport {
            recipient: "a@b.example",
            permanent: false,
            diagnostic: Some("550 5.1.1 user unknown"),
            ..BounceReport::default()
        });
        assert_eq!(v.kind, EventKind::SoftBounce);
    }

    #[test]
    fn diagnostic_types_are_dropped_but_prose_is_kept() {
        assert_eq!(strip_diagnostic_type("smtp; 550 no"), "550 no");
        assert_eq!(strip_diagnostic_type("X-Postfix; host said"), "host said");
        assert_eq!(
            strip_diagnostic_type("550 no such user; bye"),
            "550 no such user; bye"
        );
    }
}
