//! Reasons that a mail server's own bounce format decides, before the general rules: some
//! servers write fixed sentences whose meaning their format documents (qmail's
//! `qmail-remote.c` messages, Google Groups' notice). Recognised by the format's markers,
//! never by anything about one particular message.
//!
//! The sentence lists follow Sisimai's readers `lhost/qmail.go` and `Lhost/GoogleGroups.pm`
//! (BSD 2-Clause, "azumakuniyuki and sisimai development team"), re-expressed as data.

use crate::message::MessageView;
use crate::reason::Reason;

/// qmail's sentences and the reason each means (qmail-remote.c, qmail-local.c, the LDAP
/// patch). Checked in order; the queue give-up notice comes last.
const QMAIL: &[(&str, Reason)] = &[
    (" but my name was rejected", Reason::Blocked),
    ("sorry, i couldn't find any host ", Reason::HostUnknown),
    ("disk quota exceeded", Reason::MailboxFull),
    (
        "message size exceeds fixed maximum message size:",
        Reason::MesgTooBig,
    ),
    (
        "sorry, i wasn't able to establish an smtp connection",
        Reason::NetworkError,
    ),
    (
        "sorry. although i'm listed as a best-preference mx or a for that host",
        Reason::NetworkError,
    ),
    (
        "sorry, i couldn't find a mail exchanger or ip address",
        Reason::NotAccept,
    ),
    (
        "requested action not taken: mailbox unavailable (not enough free space)",
        Reason::SystemFull,
    ),
    ("no mailbox here by that name", Reason::UserUnknown),
    (
        "the message exeeded the maximum size the user accepts",
        Reason::ExceedLimit,
    ),
    ("mailaddress is administrativ", Reason::Suspend),
    ("automatic homedir creator crashed", Reason::SystemError),
    ("illegal value in ldap attribute", Reason::SystemError),
    (
        "ldap attribute is not given but mandatory",
        Reason::SystemError,
    ),
    (
        "timeout while performing search on ldap server",
        Reason::SystemError,
    ),
    (
        "too many results returned but needs to be unique",
        Reason::SystemError,
    ),
    ("error while executing qmail-forward", Reason::SystemError),
    (
        "temporary error in automatic homedir creation",
        Reason::SystemError,
    ),
    ("temporary failure in ldap lookup", Reason::SystemError),
    ("unable to contact ldap server", Reason::SystemError),
    ("unable to login into ldap server", Reason::SystemError),
    (
        "bad interpreter: no such file or directory",
        Reason::SystemError,
    ),
    ("system error", Reason::SystemError),
    (
        "this message has been in the queue too long.",
        Reason::Expired,
    ),
];

/// Exchange Online (Office 365) status codes whose meaning Microsoft's NDR documentation
/// fixes ("Email non-delivery reports and SMTP errors in Exchange Online").
const EXCHANGE_ONLINE: &[(&str, Reason)] = &[
    ("5.1.0", Reason::UserUnknown),
    ("5.1.1", Reason::UserUnknown),
    ("5.1.10", Reason::UserUnknown),
    ("5.1.351", Reason::UserUnknown),
    ("5.2.2", Reason::MailboxFull),
    ("5.4.312", Reason::NetworkError),
    ("5.4.316", Reason::Expired),
];

/// Exchange Server 2003 (and 5.5) diagnostic codes after `MSEXCH:IMS:…` (Sisimai's
/// `lhost/via-exchange2003.go`).
const EXCHANGE_2003: &[(&str, Reason)] = &[
    ("000C05A6", Reason::UserUnknown),
    ("000C0595", Reason::Filtered),
    ("00010256", Reason::SystemError),
    ("000D06B5", Reason::SystemError),
    ("00120270", Reason::NetworkError),
    ("00050311", Reason::ContentError),
    ("000502CC", Reason::ContentError),
    ("000B0981", Reason::SecurityError),
    ("000B099C", Reason::OnHold),
    ("000B09AA", Reason::OnHold),
    ("000B09B6", Reason::OnHold),
];

/// au (KDDI) sentences of its plain notice (Sisimai's `lhost/via-kddi.go`).
const KDDI: &[(&str, Reason)] = &[
    ("as their mailbox is full", Reason::MailboxFull),
    ("due to the following smtp relay error", Reason::NoRelaying),
    ("as the remote domain doesnt exist", Reason::HostUnknown),
];

/// Gmail's own sentences in "Technical details of … failure" (Sisimai's `lhost/via-gmail.go`).
const GMAIL: &[(&str, Reason)] = &[
    (
        "the recipient server did not accept our requests to connect",
        Reason::Expired,
    ),
    (
        "delivery to the following recipient has been delayed",
        Reason::Expired,
    ),
];

/// Lotus Notes / Domino failure reasons (Sisimai's `lhost/via-notes.go`).
const NOTES: &[(&str, Reason)] = &[
    (
        "user not listed in public name & address book",
        Reason::UserUnknown,
    ),
    (
        "message has exceeded maximum hop count",
        Reason::NetworkError,
    ),
];

/// PowerMTA's `X-PowerMTA-BounceCategory` field values (Sisimai's `lhost/via-powermta.go`).
const POWERMTA: &[(&str, Reason)] = &[
    ("bad-domain", Reason::HostUnknown),
    ("bad-mailbox", Reason::UserUnknown),
    ("inactive-mailbox", Reason::Suspend),
    ("message-expired", Reason::Expired),
    ("no-answer-from-host", Reason::NetworkError),
    ("policy-related", Reason::PolicyViolation),
    ("quota-issues", Reason::MailboxFull),
    ("routing-errors", Reason::SystemError),
    ("spam-related", Reason::SpamDetected),
];

/// OpenSMTPD's failure strings (`smtpd/mta.c`, `queue.c`) and their reasons, after Sisimai's
/// `lhost/via-opensmtpd.go` (BSD 2-Clause, azumakuniyuki and sisimai development team).
const OPENSMTPD: &[(&str, Reason)] = &[
    ("envelope expired", Reason::Expired),
    ("could not retrieve credentials", Reason::SecurityError),
    ("invalid domain name", Reason::HostUnknown),
    ("domain does not exist", Reason::HostUnknown),
    (
        "address family mismatch on destination mxs",
        Reason::NetworkError,
    ),
    ("all routes to destination blocked", Reason::NetworkError),
    ("bad dns lookup error code", Reason::NetworkError),
    ("could not retrieve source address", Reason::NetworkError),
    ("loop detected", Reason::NetworkError),
    ("network error on destination mxs", Reason::NetworkError),
    ("no valid route to remote mx", Reason::NetworkError),
    ("no valid route to destination", Reason::NetworkError),
    ("temporary failure in mx lookup", Reason::NetworkError),
    ("destination seem to reject all mails", Reason::NotAccept),
    ("no mx found for domain", Reason::NotAccept),
    ("no mx found for destination", Reason::NotAccept),
];

/// Exim's own failure strings (`deliver.c`, `route.c`, `parser.c`, `transports/*.c`,
/// `routers/dnslookup.c`) and their reasons, after Sisimai's `lhost/via-exim.go` (BSD
/// 2-Clause). Used when the failure is Exim's rather than a remote server's reply.
const EXIM: &[(&str, Reason)] = &[
    ("user not found", Reason::UserUnknown),
    (
        "all host address lookups failed permanently",
        Reason::HostUnknown,
    ),
    (
        "all relevant mx records point to non-existent hosts",
        Reason::HostUnknown,
    ),
    ("unrouteable address", Reason::HostUnknown),
    ("mailbox is full", Reason::MailboxFull),
    ("error: quota exceed", Reason::MailboxFull),
    (
        "an mx or srv record indicated no smtp service",
        Reason::NotAccept,
    ),
    (
        "no host found for existing smtp connection",
        Reason::NotAccept,
    ),
    ("angle-brackets nested too deep", Reason::SyntaxError),
    ("expected word or \"<\"", Reason::SyntaxError),
    (
        "domain missing in source-routed address",
        Reason::SyntaxError,
    ),
    ("malformed address:", Reason::SyntaxError),
    ("delivery to file forbidden", Reason::SystemError),
    ("delivery to pipe forbidden", Reason::SystemError),
    ("local delivery failed", Reason::SystemError),
    ("lmtp error after ", Reason::SystemError),
    ("too many \"received\" headers", Reason::ContentError),
];

/// Exim's notices that the message is still queued or was given up after retries.
const EXIM_DELAYED: &[&str] = &[
    "retry timeout exceeded",
    "no action is required on your part",
    "retry time not reached for any host after a long failure period",
    "all hosts have been failing for a long time and were last tried",
    "delay reason: ",
    "has been frozen",
    "was frozen on arrival by ",
];

/// au (EZweb) notice sentences, after Sisimai's `lhost/via-ezweb.go` (BSD 2-Clause): the
/// notice's own sentence says what happened, whatever the remote reply quoted below it.
const EZWEB: &[(&str, Reason)] = &[
    ("Your message was not delivered within ", Reason::Expired),
    (
        "The user(s) account is temporarily over quota",
        Reason::MailboxFull,
    ),
    (
        "Each of the following recipients was rejected by a remote mail server",
        Reason::OnHold,
    ),
    ("The user(s) account is disabled.", Reason::Suspend),
    (
        "The user(s) account is temporarily limited.",
        Reason::Suspend,
    ),
];

/// Exchange Server 2007 and later NDR subject codes (`#550 5.1.1 RESOLVER.ADR.RecipNotFound;
/// not found ##`), after Sisimai's `lhost/via-exchange2007.go` (BSD 2-Clause).
const EXCHANGE_2007: &[(&str, Reason)] = &[
    ("SMTPSEND.DNS.NonExistentDomain", Reason::HostUnknown),
    ("SMTPSEND.DNS.MxLoopback", Reason::NetworkError),
    ("RESOLVER.ADR.BadPrimary", Reason::SystemError),
    ("RESOLVER.ADR.RecipNotFound", Reason::UserUnknown),
    ("RESOLVER.ADR.RecipientNotFound", Reason::UserUnknown),
    ("RESOLVER.ADR.ExRecipNotFound", Reason::UserUnknown),
    ("RESOLVER.ADR.RecipLimit", Reason::TooManyConn),
    ("RESOLVER.ADR.InvalidInSmtp", Reason::SystemError),
    ("RESOLVER.ADR.Ambiguous", Reason::SystemError),
    ("RESOLVER.RST.AuthRequired", Reason::SecurityError),
    ("RESOLVER.RST.NotAuthorized", Reason::Rejected),
    ("RESOLVER.RST.RecipSizeLimit", Reason::ExceedLimit),
    ("QUEUE.Expired", Reason::Expired),
];

/// Courier's own failures (`module.esmtp/esmtpclient.c`), after Sisimai's
/// `lhost/via-courier.go` (BSD 2-Clause).
const COURIER: &[(&str, Reason)] = &[
    ("No such domain.", Reason::HostUnknown),
    ("This domain's DNS violates RFC 1035.", Reason::SystemError),
    ("DNS lookup failed.", Reason::NetworkError),
];

/// Progress IMail Server's sentences, after Sisimai's `lhost/via-imailserver.go` (BSD
/// 2-Clause). The give-up notice comes last.
const IMAIL: &[(&str, Reason)] = &[
    ("Unknown host", Reason::HostUnknown),
    ("Unknown user", Reason::UserUnknown),
    ("Invalid final delivery userid", Reason::UserUnknown),
    ("User mailbox exceeds allowed size", Reason::MailboxFull),
    (
        "Requested action not taken: virus detected",
        Reason::VirusDetected,
    ),
    ("Blacklisted URL in message", Reason::SpamDetected),
    ("Delivery failed ", Reason::Expired),
];

/// Markers of a bounce written by Exchange Online: its `X-MS-Exchange-*` headers or its
/// hosts in the bounce's path.
fn is_exchange_online(view: &MessageView) -> bool {
    view.headers.iter().any(|(n, v)| {
        n.starts_with("x-ms-exchange-")
            || (n == "received"
                && (v.contains(".prod.outlook.com") || v.contains(".protection.outlook.com")))
    })
}

/// Markers of a qmail (or qmail clone) bounce.
fn is_qmail(view: &MessageView) -> bool {
    let subject = view.subject.trim();
    subject.eq_ignore_ascii_case("failure notice")
        || view.report_text.contains("Hi. This is the qmail")
}

/// Markers of a Google Groups refusal.
fn is_google_groups(view: &MessageView) -> bool {
    view.from_full.contains("mailer-daemon@googlemail.com")
        && view.subject.contains("Delivery Status Notification")
        && view.header("x-failed-recipients").is_some()
        && view.header("x-google-smtp-source").is_some()
}

/// Markers of an OpenSMTPD bounce (`bounce.c`'s notice and its sender or subject).
fn is_opensmtpd(view: &MessageView) -> bool {
    view.report_text
        .contains("This is the MAILER-DAEMON, please DO NOT REPLY to this")
        && (view.subject.contains("Delivery status notification")
            || view.from_full.contains("mailer daemon <")
            || view
                .header_all("received")
                .any(|r| r.contains(" (OpenSMTPD) with ")))
}

/// Markers of an Exim bounce: two of its sender name, its subjects and its message-id shape
/// (`<XXXXXX-XXXXXX-XX@host>`), or an Exim-based gateway's own headers (McAfee/MXLogic); and
/// one of `deliver.c`'s opening sentences.
fn is_exim(view: &MessageView) -> bool {
    const SUBJECTS: &[&str] = &[
        "Delivery Status Notification",
        "Mail delivery failed",
        "Mail failure",
        "Message frozen",
        "Warning: message ",
        "error(s) in forwarding or filtering",
    ];
    const OPENINGS: &[&str] = &[
        "This message was created automatically by mail delivery software.",
        "A message that you sent was rejected by the local scannning code",
        "A message that you sent contained one or more recipient addresses ",
        "A message that you sent could not be delivered to all of its recipients",
        " has been frozen",
        " was frozen on arrival",
        " router encountered the following error(s):",
    ];
    let id = view.message_id.as_deref().unwrap_or("");
    let id_shape = id.find('-') == Some(7) && id.find('@') == Some(17);
    let third_party = ["x-mx-bounce", "x-mxl-hash", "x-mxl-notehash"]
        .iter()
        .any(|h| view.header(h).is_some())
        || id.starts_with("mxl~");
    let votes = usize::from(view.from_full.contains("mail delivery system"))
        + usize::from(SUBJECTS.iter().any(|s| view.subject.contains(s)))
        + usize::from(id_shape);
    (votes >= 2 || third_party) && OPENINGS.iter().any(|o| view.report_text.contains(o))
}

/// Exim: the stage of a remote refusal, else Exim's own failure strings.
fn exim_preset(diagnostic: &str) -> Option<Reason> {
    let lower = diagnostic.to_lowercase();
    if diagnostic.contains("SMTP error from remote ") || diagnostic.contains("LMTP error after ") {
        match crate::smtp::find_command(diagnostic) {
            Some(crate::smtp::Command::Helo) => return Some(Reason::Blocked),
            Some(crate::smtp::Command::Mail) => return Some(Reason::OnHold),
            _ => {}
        }
    }
    if let Some((_, r)) = EXIM.iter().find(|(p, _)| lower.contains(p)) {
        return Some(*r);
    }
    if EXIM_DELAYED.iter().any(|p| lower.contains(p)) {
        return Some(Reason::Expired);
    }
    lower.contains("pipe to |").then_some(Reason::MailerError)
}

/// Markers of an au (EZweb) notice: two of its sender, subject, path and message-id.
fn is_ezweb(view: &MessageView) -> bool {
    let id = view.message_id.as_deref().unwrap_or("");
    let votes = usize::from(view.from_full.contains("postmaster@ezweb.ne.jp"))
        + usize::from(view.from_full.contains("postmaster@au.com"))
        + usize::from(view.subject == "Mail System Error - Returned Mail")
        + usize::from(
            view.header_all("received")
                .any(|r| r.contains("ezweb.ne.jp (EZweb Mail) with") || r.contains(".au.com (")),
        )
        + usize::from(id.ends_with(".ezweb.ne.jp") || id.ends_with(".au.com"));
    votes >= 2
}

/// Markers of an Exchange 2007+ NDR: two of its subjects (en, fr, it, sv), its senders, its
/// NDR codes, its "diagnostic information" heading and a `Content-Language` header.
fn is_exchange_2007(view: &MessageView) -> bool {
    const SUBJECTS: &[&str] = &[
        "Undeliverable",
        "Non_remis_",
        "Non remis ",
        "Non recapitabile",
        "Olevererbart",
    ];
    const HEADINGS: &[&str] = &[
        "Error Details",
        "Diagnostic information for administrators:",
        "Informations de diagnostic pour les administrateurs",
        "Informazioni di diagnostica per gli amministratori",
        "Diagnostisk information f",
    ];
    let text = &view.report_text;
    let votes = usize::from(SUBJECTS.iter().any(|s| view.subject.contains(s)))
        + usize::from(
            view.from_full.contains("postmaster@outlook.com")
                || view.from_full.contains(".onmicrosoft.com"),
        )
        + usize::from(text.contains(" RESOLVER.") || text.contains(" QUEUE."))
        + usize::from(HEADINGS.iter().any(|h| text.contains(h)))
        + usize::from(view.header("content-language").is_some());
    votes >= 2
}

/// The reason the bounce's format decides for a recipient with this diagnostic, if any.
pub fn preset(view: &MessageView, diagnostic: &str) -> Option<Reason> {
    if view
        .report_text
        .contains("did not reach the following recipient(s):")
        && let Some((_, r)) = EXCHANGE_2003
            .iter()
            .find(|(code, _)| diagnostic.contains(&format!("({code})")))
    {
        return Some(*r);
    }
    if let Some(category) = view.delivery_status.iter().find_map(|d| {
        d.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("x-powermta-bouncecategory")
                .then(|| value.trim().to_ascii_lowercase())
        })
    }) && let Some((_, r)) = POWERMTA.iter().find(|(c, _)| *c == category)
    {
        return Some(*r);
    }
    if view.report_text.contains("Technical details of ") {
        let lower = diagnostic.to_lowercase();
        if let Some((_, r)) = GMAIL.iter().find(|(p, _)| lower.contains(p)) {
            return Some(*r);
        }
    }
    if view.report_text.contains("------- Failure Reasons") {
        let lower = diagnostic.to_lowercase();
        if let Some((_, r)) = NOTES.iter().find(|(p, _)| lower.contains(p)) {
            return Some(*r);
        }
    }
    if view.report_text.contains("Could not be delivered to: <") {
        let lower = diagnostic.to_lowercase();
        if let Some((_, r)) = KDDI.iter().find(|(p, _)| lower.contains(p)) {
            return Some(*r);
        }
    }
    if is_google_groups(view) {
        // The notice lists four possible causes ("* You might have spelled …"): the post was
        // refused (missing group, or no permission to post).
        let bullets = super::error_section(&view.report_text)
            .lines()
            .filter(|l| l.trim_start().starts_with('*'))
            .count();
        return Some(if bullets == 4 {
            Reason::Rejected
        } else {
            Reason::OnHold
        });
    }
    if is_exchange_online(view)
        && let Some(status) = crate::smtp::find_status(diagnostic)
        && let Some((_, r)) = EXCHANGE_ONLINE.iter().find(|(c, _)| *c == status)
    {
        return Some(*r);
    }
    if is_exchange_2007(view)
        && let Some((_, r)) = EXCHANGE_2007
            .iter()
            .find(|(code, _)| diagnostic.contains(&format!("{code};")))
    {
        return Some(*r);
    }
    // Oracle (Sun) Messaging Server: "Illegal host/domain name found" is its own DNS failure
    // (Sisimai's `lhost/via-messagingserver.go`, BSD 2-Clause).
    let messaging_server = view
        .header("content-type")
        .is_some_and(|c| c.contains("Boundary_(ID_"))
        || view.subject.starts_with("Delivery Notification: ");
    if messaging_server && diagnostic.contains("Illegal host/domain name found") {
        return Some(Reason::HostUnknown);
    }
    let courier = view.from_full.contains("courier mail server at ")
        || view.subject.contains("NOTICE: mail delivery status.")
        || view.subject.contains("WARNING: delayed mail.")
        || view
            .message_id
            .as_deref()
            .is_some_and(|id| id.starts_with("courier."));
    if courier && let Some((_, r)) = COURIER.iter().find(|(p, _)| diagnostic.contains(p)) {
        return Some(*r);
    }
    let imail = view.subject.starts_with("Undeliverable Mail ")
        || view
            .header("x-mailer")
            .is_some_and(|m| m.trim_start().starts_with("<SMTP32 v"));
    if imail {
        // The server's generated response is shared by all the recipients.
        let generated = view
            .report_text
            .split_once("Body of message generated response:")
            .map_or("", |(_, r)| {
                r.split("Original message follows.").next().unwrap_or(r)
            });
        if let Some((_, r)) = IMAIL
            .iter()
            .find(|(p, _)| diagnostic.contains(p) || generated.contains(p))
        {
            return Some(*r);
        }
    }
    // DragonFly Mail Agent (`dma.c`, `net.c`): its queue give-up and its DNS failure (Sisimai's
    // `lhost/via-dragonfly.go`, BSD 2-Clause).
    if view.subject.contains("Mail delivery failed")
        && view
            .header_all("received")
            .any(|r| r.contains(" (DragonFly Mail Agent"))
    {
        if diagnostic.contains("Could not deliver for the last ") {
            return Some(Reason::Expired);
        }
        if diagnostic.contains("DNS lookup failure: host ") {
            return Some(Reason::HostUnknown);
        }
    }
    if is_ezweb(view) {
        if view
            .header("x-spasign")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("ng"))
        {
            return Some(Reason::Filtered);
        }
        let text = super::error_section(&view.report_text);
        if let Some((_, r)) = EZWEB
            .iter()
            .find(|(p, _)| text.contains(p) || diagnostic.contains(p))
        {
            return Some(*r);
        }
    }
    // Zoho Mail (`X-ZohoMail` header): "Host not reachable" is the queue giving up (Sisimai's
    // `lhost/via-zoho.go`, BSD 2-Clause).
    if view.header("x-zohomail").is_some() && diagnostic.contains("Host not reachable") {
        return Some(Reason::Expired);
    }
    if is_opensmtpd(view) {
        let lower = diagnostic.to_lowercase();
        if let Some((_, r)) = OPENSMTPD.iter().find(|(p, _)| lower.contains(p)) {
            return Some(*r);
        }
    }
    if is_exim(view) {
        return exim_preset(diagnostic);
    }
    if is_qmail(view) {
        let lower = diagnostic.to_lowercase();
        // A recipient refusal followed by the give-up notice: the remote reply decides.
        if lower.contains(" does not like recipient.")
            && lower.contains("this message has been in the queue too long.")
        {
            return None;
        }
        return QMAIL
            .iter()
            .find(|(p, _)| lower.contains(p))
            .map(|(_, r)| *r);
    }
    None
}

#[cfg(test)]
mod exim_tests {
    use super::*;

    #[test]
    fn exim_own_failures_and_stages() {
        assert_eq!(
            exim_preset("Unrouteable address"),
            Some(Reason::HostUnknown)
        );
        assert_eq!(
            exim_preset("SMTP error from remote mail server after EHLO mx.example.jp: 550 go away"),
            Some(Reason::Blocked)
        );
        assert_eq!(
            exim_preset("malformed address: @ may not follow <a@b"),
            Some(Reason::SyntaxError)
        );
        assert_eq!(exim_preset("retry timeout exceeded"), Some(Reason::Expired));
        assert_eq!(
            exim_preset("SMTP error from remote mail server after RCPT TO:<a@b>: 550 Unknown"),
            None
        );
    }
}
