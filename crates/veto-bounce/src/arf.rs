//! Complaints: ARF feedback-loop reports (RFC 5965) and the providers' look-alikes.
//!
//! The report's fields are read with mail-auth's ARF parser; the reported recipients are
//! taken from every `Original-Rcpt-To` (mail-auth keeps only one), else `Removal-Recipient`,
//! else the `To` of the returned message, else the provider's own header for it.

use crate::message::MessageView;
use crate::mta::address::find_addresses;

/// A complaint, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Complaint {
    /// The recipients who complained, lower-case, in report order.
    pub recipients: Vec<String>,
    /// The ARF `Feedback-Type` (`abuse`, `opt-out`, `auth-failure` …), lower-case.
    pub feedback_type: Option<String>,
}

/// Whether the message is a complaint report.
pub fn is_complaint(view: &MessageView) -> bool {
    view.feedback_report.is_some()
        || view.report_type.as_deref() == Some("feedback-report")
        // Apple Mail's one-click unsubscribe mail ("Apple Mail sent this email to unsubscribe").
        || view.header("x-apple-unsubscribe").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        // Outlook.com (JMRP) wraps the complained-about message and names its recipient.
        || view
            .original
            .as_ref()
            .is_some_and(|o| o.get("x-hmxmroriginalrecipient").is_some())
}

/// Reads the complaint: its recipients and type.
pub fn read(raw: &[u8], view: &MessageView) -> Complaint {
    let parsed = mail_auth::report::Feedback::parse_rfc5322(raw).ok();
    let mut feedback_type = parsed.as_ref().map(|f| {
        format!("{:?}", f.feedback_type())
            .to_ascii_lowercase()
            .replace('_', "-")
    });
    let mut recipients: Vec<String> = Vec::new();
    let mut removal: Vec<String> = Vec::new();
    if let Some(report) = &view.feedback_report {
        for line in report.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "original-rcpt-to" => push_all(&mut recipients, value),
                "removal-recipient" => push_all(&mut removal, value),
                "feedback-type" => feedback_type = Some(value.trim().to_ascii_lowercase()),
                _ => {}
            }
        }
    }
    if recipients.is_empty()
        && let Some(rcpt) = parsed.as_ref().and_then(|f| f.original_rcpt_to())
    {
        push_all(&mut recipients, rcpt);
    }
    if recipients.is_empty() {
        recipients = removal;
    }
    if let Some(original) = &view.original {
        if recipients.is_empty()
            && let Some(r) = original.get("x-hmxmroriginalrecipient")
        {
            push_all(&mut recipients, r);
        }
        if recipients.is_empty() {
            recipients.extend(original.to.iter().take(1).cloned());
        }
    }
    if view.header("x-apple-unsubscribe").is_some() {
        feedback_type.get_or_insert_with(|| "opt-out".to_string());
        if recipients.is_empty() && !view.from_address.is_empty() {
            recipients.push(view.from_address.clone());
        }
    }
    if recipients.is_empty() {
        // A report that names nobody still counts once.
        recipients.push(String::new());
    }
    Complaint {
        recipients,
        feedback_type,
    }
}

fn push_all(out: &mut Vec<String>, value: &str) {
    for a in find_addresses(value) {
        if !out.contains(&a) {
            out.push(a);
        }
    }
}
