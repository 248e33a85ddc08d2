//! RFC 3464 `message/delivery-status` fields: one per-message block, then one block per
//! recipient, each a list of `Name: value` header-style fields (folded lines allowed).
//!
//! Real reports are often sloppy: blocks without the blank line between them, field names in
//! any case, `rfc822;` type prefixes missing or doubled. The parser accepts all of that and
//! starts a new recipient block whenever a recipient field repeats.

/// The fields of the per-message block that matter for signals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFields {
    /// `Reporting-MTA`, without its type (`dns;`).
    pub reporting_mta: Option<String>,
    /// `Original-Envelope-Id`.
    pub original_envelope_id: Option<String>,
    /// `Arrival-Date`, as written.
    pub arrival_date: Option<String>,
}

/// One per-recipient block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientFields {
    /// `Final-Recipient`, without its address type.
    pub final_recipient: Option<String>,
    /// `Original-Recipient`, without its address type.
    pub original_recipient: Option<String>,
    /// `Action` (failed, delayed, delivered, relayed, expanded), lower-cased.
    pub action: Option<String>,
    /// `Status`: the enhanced status code (RFC 3463) only, comments dropped.
    pub status: Option<String>,
    /// `Remote-MTA`, without its type.
    pub remote_mta: Option<String>,
    /// The type of `Diagnostic-Code` (`smtp`, `x-unix`, …), lower-cased.
    pub diagnostic_type: Option<String>,
    /// The text of `Diagnostic-Code`, unfolded.
    pub diagnostic_code: Option<String>,
    /// `Last-Attempt-Date`, as written.
    pub last_attempt_date: Option<String>,
}

impl RecipientFields {
    /// The address the report is about: the final recipient, else the original one.
    pub fn address(&self) -> Option<&str> {
        self.final_recipient
            .as_deref()
            .or(self.original_recipient.as_deref())
    }

    fn is_empty(&self) -> bool {
        self.final_recipient.is_none() && self.original_recipient.is_none()
    }
}

/// A parsed `message/delivery-status` body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryStatus {
    /// The per-message block.
    pub message: MessageFields,
    /// The per-recipient blocks, in the order of the report.
    pub recipients: Vec<RecipientFields>,
}

/// Unfolds header-style text into `(name, value)` fields; a blank line is reported as `None`.
fn fields(text: &str) -> Vec<Option<(String, String)>> {
    let mut out: Vec<Option<(String, String)>> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            out.push(None);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // A folded continuation of the previous field.
            if let Some(Some((_, value))) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if !name.is_empty() && !name.contains(' ') {
                out.push(Some((name.to_ascii_lowercase(), value.trim().to_string())));
                continue;
            }
        }
        // A line that is no field at all continues a diagnostic wrapped without indentation.
        if let Some(Some((name, value))) = out.last_mut()
            && name == "diagnostic-code"
        {
            value.push(' ');
            value.push_str(line.trim());
        }
    }
    out
}

/// Drops a `type;` prefix (`rfc822; a@b`, `dns; mx.example`), and angle brackets around an
/// address.
pub fn strip_type(value: &str) -> String {
    let v = match value.split_once(';') {
        Some((ty, rest)) if !ty.contains('@') && ty.len() < 20 => rest.trim(),
        _ => value.trim(),
    };
    let v = v.trim_matches(|c| c == '<' || c == '>' || c == '"' || c == ' ');
    v.to_string()
}

/// Parses the body of a `message/delivery-status` part.
pub fn parse(text: &str) -> DeliveryStatus {
    let mut report = DeliveryStatus::default();
    let mut current = RecipientFields::default();
    let mut seen_recipient = false;
    for item in fields(text) {
        let Some((name, value)) = item else {
            if !current.is_empty() {
                report.recipients.push(std::mem::take(&mut current));
            }
            continue;
        };
        match name.as_str() {
            "original-recipient" => {
                if current.original_recipient.is_some() {
                    report.recipients.push(std::mem::take(&mut current));
                }
                current.original_recipient = non_empty(strip_type(&value));
                seen_recipient = true;
            }
            "final-recipient" => {
                if current.final_recipient.is_some() {
                    report.recipients.push(std::mem::take(&mut current));
                }
                current.final_recipient = non_empty(strip_type(&value));
                seen_recipient = true;
            }
            "action" => current.action = non_empty(value.to_ascii_lowercase()),
            "status" => current.status = crate::smtp::find_status(&value),
            "remote-mta" => current.remote_mta = non_empty(strip_type(&value)),
            "diagnostic-code" => {
                let (ty, text) = match value.split_once(';') {
                    Some((ty, rest)) if !ty.contains(' ') => {
                        (non_empty(ty.trim().to_ascii_lowercase()), rest.trim())
                    }
                    _ => (None, value.as_str()),
                };
                current.diagnostic_type = ty;
                current.diagnostic_code = non_empty(text.to_string());
            }
            "last-attempt-date" => current.last_attempt_date = Some(value),
            "reporting-mta" if !seen_recipient || current.is_empty() => {
                report.message.reporting_mta = non_empty(strip_type(&value));
            }
            "original-envelope-id" => report.message.original_envelope_id = non_empty(value),
            "arrival-date" => report.message.arrival_date = non_empty(value),
            _ => {}
        }
    }
    if !current.is_empty() {
        report.recipients.push(current);
    }
    report
}

fn non_empty(s: String) -> Option<String> {
    if s.trim().is_empty() { None } else { Some(s) }
}

/// Whether a text looks like delivery-status fields (some servers send them as text/plain).
pub fn looks_like_fields(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (lower.contains("\nfinal-recipient:") || lower.starts_with("final-recipient:"))
        && (lower.contains("\nstatus:") || lower.contains("\naction:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_folded_diagnostics() {
        let text = "Reporting-MTA: dns; mx.example.org\nArrival-Date: Thu, 1 Jan 2015 00:00:00 +0900\n\n\
Final-Recipient: rfc822; kijitora@example.jp\nOriginal-Recipient: rfc822;kijitora@example.jp\nAction: failed\n\
Status: 5.1.1\nRemote-MTA: dns; mx.example.jp\nDiagnostic-Code: smtp; 550 5.1.1 <kijitora@example.jp>:\n\
    Recipient address rejected: User unknown\n\n\
Final-Recipient: RFC822; <sabatora@example.jp>\nACTION: Delayed\nStatus: 4.2.2 (mailbox full)\n";
        let r = parse(text);
        assert_eq!(r.message.reporting_mta.as_deref(), Some("mx.example.org"));
        assert_eq!(r.recipients.len(), 2);
        let a = &r.recipients[0];
        assert_eq!(a.address(), Some("kijitora@example.jp"));
        assert_eq!(a.action.as_deref(), Some("failed"));
        assert_eq!(a.status.as_deref(), Some("5.1.1"));
        assert_eq!(a.remote_mta.as_deref(), Some("mx.example.jp"));
        assert_eq!(a.diagnostic_type.as_deref(), Some("smtp"));
        assert_eq!(
            a.diagnostic_code.as_deref(),
            Some("550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown")
        );
        let b = &r.recipients[1];
        assert_eq!(b.address(), Some("sabatora@example.jp"));
        assert_eq!(b.action.as_deref(), Some("delayed"));
        assert_eq!(b.status.as_deref(), Some("4.2.2"));
    }

    #[test]
    fn splits_recipients_without_blank_lines() {
        let text = "Final-Recipient: rfc822; a@example.jp\nStatus: 5.1.1\nFinal-Recipient: rfc822; b@example.jp\nStatus: 5.2.2\n";
        let r = parse(text);
        assert_eq!(r.recipients.len(), 2);
        assert_eq!(r.recipients[1].status.as_deref(), Some("5.2.2"));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert_eq!(parse("\u{0}\u{1}:::\n\n  \t:").recipients.len(), 0);
        assert_eq!(parse("").recipients.len(), 0);
    }
}
