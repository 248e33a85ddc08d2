//! The classification rules: the one place that decides a recipient's [`Reason`].
//!
//! A real bounce processor reads, in this order:
//!
//! 1. the **diagnostic text** of the recipient (the remote server's reply, or the reporting
//!    server's own sentence) against [`TEXT_RULES`], an ordered table of phrases per reason;
//! 2. the **enhanced status code** (RFC 3463) against [`STATUS_RULES`], when the text said
//!    nothing recognisable and the code is specific enough to mean one reason;
//! 3. the **surrounding report prose** (the human-readable part of the bounce) against the same
//!    phrase table;
//! 4. **fallbacks** from the status class, the DSN `Action` and the SMTP command the refusal
//!    answered (a refusal of `MAIL FROM` is the sender's fault, one at `HELO` a block).
//!
//! Phrases are lower-case; `*` inside a phrase stands for any text in between (on the same
//! diagnostic). The table order matters: a more specific reason comes before a broader one
//! ("mailbox full" before "mailbox unavailable"; "sender … rejected" before "rejected"). The
//! phrases follow what mail servers really say (Postfix, Sendmail, Exim, qmail, Exchange,
//! Gmail, Yahoo, Japanese carriers …) as collected in public bounce-handling knowledge such as
//! Sisimai's reason classes, and RFC 3463 for the codes.

use crate::reason::Reason;
use crate::smtp::Command;

/// One row of the phrase table: any of `phrases` found in the text means `reason`.
pub struct TextRule {
    /// The reason the phrases mean.
    pub reason: Reason,
    /// Lower-case phrases; `*` matches any text in between.
    pub phrases: &'static [&'static str],
}

/// The ordered phrase table. First match wins.
pub static TEXT_RULES: &[TextRule] = &[
    // Delivery succeeded (a DSN with NOTIFY=SUCCESS).
    TextRule {
        reason: Reason::Delivered,
        phrases: &[
            "delivery to the following recipient(s) was successful",
            "message successfully delivered",
        ],
    },
    // Over quota: the mailbox exists but cannot take more mail (RFC 3463 X.2.2).
    TextRule {
        reason: Reason::MailboxFull,
        phrases: &[
            "mailbox exceeds allowed size",
            "exceeds allowed size",
            "mailbox full",
            "mailbox is full",
            "mailbox is over quota",
            "mailbox has exceeded",
            "mailbox exceeded",
            "mailbox size limit exceeded",
            "mailbox would exceed",
            "mailfolder is full",
            "maildir over quota",
            "maildir has overdrawn",
            "over quota",
            "over the allowed quota",
            "over disk quota",
            "overquota",
            "quota exceeded",
            "quota violation",
            "exceeded storage allocation",
            "exceeds storage allocation",
            "exceeding its mailbox quota",
            "exceeded its quota",
            "exceeded the quota",
            "exceeded their quota",
            "exceeding their quota",
            "disk quota exceeded",
            "disc quota exceeded",
            "not enough storage space",
            "insufficient disk space",
            "does not have enough space",
            "user's space has been used up",
            "recipient reached disk quota",
            "too much mail data",
            "too many messages on the server",
            "boite du destinataire pleine",
            "full mailbox",
            "mailbox is full",
            "inbox is full",
            "out of storage space",
        ],
    },
    // Bigger than the server takes at all (X.3.4).
    TextRule {
        reason: Reason::MesgTooBig,
        phrases: &[
            "message too big",
            "message too large",
            "message file too big",
            "message size exceeds",
            "message length exceeds",
            "exceeded maximum inbound message size",
            "max message size exceeded",
            "size of message exceeds",
            "message is too large",
            "message exceeds maximum size",
            "taille limite du message atteinte",
        ],
    },
    // Bigger than this recipient's own limit (X.2.3).
    TextRule {
        reason: Reason::ExceedLimit,
        phrases: &[
            "message header size exceeds limit",
            "exceeds the recipient's size limit",
        ],
    },
    // The mailbox exists but is switched off.
    TextRule {
        reason: Reason::Suspend,
        phrases: &[
            "account disabled",
            "account has been disabled",
            "account is disabled",
            "account is inactive",
            "account is locked",
            "account is suspended",
            "account has been suspended",
            "account suspended",
            "account not activated",
            "account is not active",
            "account inactive",
            "inactive account",
            "is a deactivated mailbox",
            "mailbox is frozen",
            "mailbox is inactive",
            "mailbox has been disabled",
            "mailbox disabled",
            "mailbox currently suspended",
            "this mailbox is disabled",
            "user is terminated",
            "user suspended",
            "recipient suspend the service",
            "recipient rejected: temporarily inactive",
            "boite du destinataire archivee",
            "email account that you tried to reach is disabled",
            "email account that you tried to reach is inactive",
            "this account has been disabled or discontinued",
            "this address no longer accepts mail",
            "has been disabled",
            "user(s) account is disabled",
            "invalid/inactive user",
        ],
    },
    // Moved away without a forwarding address (X.1.6).
    TextRule {
        reason: Reason::HasMoved,
        phrases: &[
            " has been replaced by ",
            "address has moved",
            "mailbox has moved",
        ],
    },
    // This server is not the destination and will not relay.
    TextRule {
        reason: Reason::NoRelaying,
        phrases: &[
            "relay access denied",
            "relaying denied",
            "relay denied",
            "relaying not allowed",
            "relaying mail to * is not allowed",
            "relay not permitted",
            "unable to relay",
            "no relaying",
            "not permitted to relay",
            "not allowed to relay",
            "we do not relay",
            "not an open relay",
            "as a relay",
            "that domain isn't in my list of allowed rcpthost",
            "we don't handle mail for",
            "not local host",
        ],
    },
    // The sender's domain failed SPF, DKIM or DMARC.
    TextRule {
        reason: Reason::AuthFailure,
        phrases: &[
            "dmarc policy",
            "does not pass dmarc",
            "dmarc verification",
            "failed the dmarc",
            "dmarc check",
            "dmarc validation",
            "spf check: fail",
            "spf fail",
            "spf failure",
            "spf validation",
            "spf authentication",
            "sender policy framework",
            "bad spf records",
            "please inspect your spf settings",
            "spf) domain authentication fail",
            "dkim signature",
            "dkim verification",
            "dkim check",
            "not designated",
            "is not authorized to send",
        ],
    },
    // The recipient address does not exist (X.1.1).
    TextRule {
        reason: Reason::UserUnknown,
        phrases: &[
            "doesn't have a * account",
            "check if address is correct",
            "user unknown",
            "unknown user",
            "user not known",
            "unknown recipient",
            "recipient unknown",
            "unknown mailbox",
            "unknown local part",
            "unknown address",
            "address unknown",
            "no such user",
            "no such mailbox",
            "no such recipient",
            "no such address",
            "no such person",
            "no such account",
            "no mailbox here by that name",
            "no mailbox by that name",
            "no mailbox found",
            "mailbox not found",
            "mailbox not present",
            "mailbox does not exist",
            "mailbox doesn't exist",
            "mailbox unavailable",
            "mailbox invalid",
            "invalid mailbox",
            "invalid recipient",
            "invalid address",
            "invalid user",
            "recipient does not exist",
            "recipient not found",
            "recipient not exist",
            "recipient address rejected: undeliverable address",
            "recipient address rejected: access denied",
            "recipient is not local",
            "recipient not ok",
            "recipient invalid",
            "user does not exist",
            "user doesn't exist",
            "user not found",
            "user not exist",
            "user missing home directory",
            "address does not exist",
            "address doesn't exist",
            "email address does not exist",
            "email account that you tried to reach does not exist",
            "this address does not exist",
            "does not exist",
            "not a valid mailbox",
            "not a valid recipient",
            "not a valid user",
            "is not a known user",
            "bad destination mailbox",
            "bad-mailbox",
            "bad address",
            "destination addresses were unknown",
            "no account by that name",
            "not our customer",
            "account does not exist",
            "not found in directory",
            "recipnotfound",
            "recipient address rejected: invalid",
            "recipient address rejected: unknown",
            "recipient address rejected: userunknown",
            "no valid recipients",
            "unrouteable address",
            "unroutable address",
            "no existe",
            "utilisateur inconnu",
            "sorry, badrcptto",
            "badrecipientto list",
            "not in my validrcptto list",
            "vdeliver: invalid or unknown virtual user",
            "unknown or illegal user",
            "illegal alias",
            "addressee unknown",
            "not listed in domino directory",
            "not listed in public name & address book",
            "no mail box available for this user",
            "user account not found",
            "user is unknown",
            "user not active",
            "the following recipients was undeliverable",
            "message could not be delivered to the following recipients",
        ],
    },
    // A filter at the destination refused the message for this recipient.
    TextRule {
        reason: Reason::Filtered,
        phrases: &[
            "because the recipient is not accepting mail",
            "blocked by user's personal blacklist",
            "is not accepting any mail",
            "message filtered",
            "message rejected due to user rules",
            "recipient id refuse to receive mail",
            "refused due to recipient preferences",
            "user refuses to receive",
            "user reject",
            "recipient not accept",
            "you have been blocked by the recipient",
            "has restricted sms e-mail",
            "the recipient has blocked",
            "rejected by the recipient",
        ],
    },
    // The sending IP has no usable reverse DNS.
    TextRule {
        reason: Reason::RequirePtr,
        phrases: &[
            "ptr record",
            "reverse dns",
            "reverse hostname",
            "reverse lookup",
            "cannot find your hostname",
            "cannot find your reverse",
            "ip name lookup failed",
            "no rdns",
            "rdns",
            "unresolvable relay host name",
            "your host name doesn't match with your ip address",
            "does not resolve to your ip",
            "no hostname",
            "hostname lookup",
        ],
    },
    // The message itself breaks the mail RFCs.
    TextRule {
        reason: Reason::NotCompliantRfc,
        phrases: &[
            "not rfc 5322 compliant",
            "not rfc5322 compliant",
            "rfcmessagenoncompliant",
            "duplicate header",
            "multiple addresses in from: header",
        ],
    },
    // A low reputation of the sending IP or domain.
    TextRule {
        reason: Reason::BadReputation,
        phrases: &[
            "ip reputation",
            "poor reputation",
            "low reputation",
            "domain reputation",
            "sender reputation",
            "reputation problems",
            "due to unexpected volume or user complaints",
        ],
    },
    // The envelope sender (MAIL FROM) or its domain was refused.
    TextRule {
        reason: Reason::Rejected,
        phrases: &[
            "may not post",
            // Google Groups answers a post to a missing group, or from a non-member, with a
            // localised text whose only constant is its help link.
            "groups.google.com/support",
            // Gmail "Send mail as" with a sender address it may not use.
            "sending this from a different address or alias",
            "not permitted to post to this group",
            "sender address rejected",
            "sender rejected",
            "sender denied",
            "sender domain",
            "sender verify failed",
            "sender is in my badmailfrom list",
            "sender address has been blacklisted",
            "sender email address rejected",
            "invalid sender",
            "bogus mail from",
            "domain of sender address",
            "empty envelope senders not allowed",
            "null sender is not allowed",
            "unroutable sender address",
            "mail from not owned by user",
            "batv",
            "backscatter protection",
            "no third-party dsns",
            "your email address has been blacklisted",
            "returned mail not accepted here",
            "email address is not verified",
            "you are not allowed to post to this mailing list",
            "not permitted to post",
            "fully qualified email address required",
            "rejected by sender",
            "emetteur invalide",
        ],
    },
    // The recipient's domain or host does not exist (X.1.2, X.4.4).
    TextRule {
        reason: Reason::HostUnknown,
        phrases: &[
            "host unknown",
            "unknown host",
            "host or domain name not found",
            "domain name not found",
            "no such domain",
            "domain does not exist",
            "domain not found",
            "domain must exist",
            "domain is not reachable",
            "unknown domain",
            "unrouteable mail domain",
            "illegal host/domain name",
            "name or service not known",
            "the account or domain may not exist",
            "host not found",
            "no mx or a record",
            "dns error: domain name",
            "dns records for the destination computer could not be found",
            "nxdomain",
            "domain name does not exist",
        ],
    },
    // The receiver judged the message to be spam.
    TextRule {
        reason: Reason::SpamDetected,
        phrases: &[
            "as spam",
            "is spam",
            "be spam",
            "like spam",
            "spam-like",
            "spam message",
            "spam content",
            "spam score",
            "spam filter",
            "spam detected",
            "spam not accepted",
            "spam rejected",
            "suspected spam",
            "probable spam",
            "spam mail",
            "spam policy",
            "spamassassin",
            "spambouncer",
            "unsolicited",
            "bulk mail",
            "bulk email",
            "junk mail",
            "content filter rejection",
            "message rejected because of unacceptable content",
            "message rejected for policy reasons",
            "message content rejected",
            "recurrent pattern detection",
            "uribl",
            "surbl",
            "x-spam",
            "rejected by content scanner",
            "this message scored ",
        ],
    },
    // Too many messages too fast.
    TextRule {
        reason: Reason::Speeding,
        phrases: &[
            "rate limit",
            "rate-limit",
            "ratelimit",
            "rate that prevents additional messages",
            "try again slower",
            "too many messages",
            "too many emails",
            "max emails per hour",
            "sending quota",
            "throttl",
        ],
    },
    // Too many connections at once.
    TextRule {
        reason: Reason::TooManyConn,
        phrases: &[
            "too many connections",
            "too many concurrent",
            "too many simultaneous",
            "too many smtp sessions",
            "connection limit",
            "connections limit",
            "connection rate limit",
            "trop de connexions",
        ],
    },
    // The sending IP or host was refused (block lists, connection-level blocks).
    TextRule {
        reason: Reason::Blocked,
        phrases: &[
            "invalid ip for sending",
            "name was rejected",
            "blacklist",
            "black list",
            "blocklist",
            "block list",
            "blacklisted",
            "blocked using",
            "blocked by",
            "blocked - see",
            "listed in",
            "listed on",
            "spamhaus",
            "spamcop",
            "sorbs",
            "barracudacentral",
            "rbl",
            "dnsbl",
            "ip address blocked",
            "your ip",
            "ip address is",
            "client host rejected",
            "client host",
            "host network not allowed",
            "helo command rejected",
            "connection refused by",
            "dynamic ip",
            "dynamic/zombied",
            "dialup",
            "not currently accepting mail from your ip",
            "banned sending ip",
            "bad sender ip",
            "sender ip address rejected",
            "your access to this mail system has been rejected",
            "access denied",
            "access to this mail system",
            "go away",
            "rejecting open proxy",
            "you are not allowed to connect",
            "connections not accepted from",
            "your server requires confirmation",
            "please use the smtp server of your isp",
            "has been temporarily blocked",
            "has been blocked",
            "was blocked",
            "blocked",
        ],
    },
    // Malware in the message.
    TextRule {
        reason: Reason::VirusDetected,
        phrases: &[
            "virus",
            "malware",
            "potentially executable attachment",
            "infected",
        ],
    },
    // A policy of the receiving site (content, attachments, sending rules).
    TextRule {
        reason: Reason::PolicyViolation,
        phrases: &[
            "policy",
            "illegal attachment",
            "prohibited attachment",
            "not accepting mail with attachments",
            "not subscribed to this group",
            "protocol violation",
            "content presents a security issue",
            "without solving a captcha",
        ],
    },
    // Something broke inside the receiving system.
    TextRule {
        reason: Reason::SystemError,
        phrases: &[
            "ldap server",
            "mail loop",
            "loops back to myself",
            "forwarding loop",
            "routing loop",
            "loop detected",
            "too many hops",
            "local error in processing",
            "local configuration error",
            "mail system configuration error",
            "server configuration error",
            "system config error",
            "internal error",
            "temporary local problem",
            "can't create user output file",
            "interrupted system call",
            "service currently unavailable",
            "timeout waiting for input",
            "system error",
            "server error",
        ],
    },
    // Network or DNS trouble on the way.
    TextRule {
        reason: Reason::NetworkError,
        phrases: &[
            "network error",
            "establish an smtp connection",
            "dns query failed",
            "no route to host",
            "network is unreachable",
            "host is unreachable",
            "host name lookup failure",
            "name server timeout",
            "dns lookup",
            "dns error",
            "dns failure",
            "unable to resolve",
            "could not connect",
            "couldn't connect",
            "connection refused",
            "connection reset",
            "lost connection",
            "socket error",
            "hop count exceeded",
            "did not accept our requests to connect",
            "no answer from",
            "unable to connect",
            "nameserver",
            "name server",
        ],
    },
    // The message's format or headers.
    TextRule {
        reason: Reason::ContentError,
        phrases: &[
            "header error",
            "header size exceeds",
            "improper use of 8-bit data",
            "invalid mime",
            "mime complexity",
            "improperly-formatted binary content",
            "unnecessary base64 encoding",
            "message header size",
        ],
    },
    // The server's own storage is full.
    TextRule {
        reason: Reason::SystemFull,
        phrases: &[
            "mail system full",
            "insufficient system storage",
            "system storage",
            "disk full",
            "no space left on device",
        ],
    },
    // The destination takes no mail at all.
    TextRule {
        reason: Reason::NotAccept,
        phrases: &[
            "does not accept mail",
            "not accepting mail",
            "null mx",
            "nullmx",
            "mail receiving disabled",
            "no mx record",
            "accepts no mail",
        ],
    },
    // Gave up after retrying for too long.
    TextRule {
        reason: Reason::Expired,
        phrases: &[
            "connection timed out",
            "timed out",
            "giving up",
            "failing for a long time",
            "aborted after",
            "delivery time expired",
            "message expired",
            "retry timeout exceeded",
            "retry time not reached",
            "queue too long",
            "in the queue too long",
            "in queue for",
            "message timed out",
            "could not be delivered for more than",
            "unable to deliver message after multiple retries",
            "was not reachable within the allowed queue period",
            "has not been collected after",
            "delivery attempts will continue",
            "has been delayed",
            "will be retried",
            "delivery expired",
            "time limit exceeded",
            "expired after",
        ],
    },
    // Refused for security: authentication required or failed, TLS policy.
    TextRule {
        reason: Reason::SecurityError,
        phrases: &[
            "authentication required",
            "authentication failure",
            "authentication failed",
            "authentication credentials invalid",
            "must be authenticated",
            "unauthenticated senders not allowed",
            "you are not authorized to send",
            "authentication is required",
            "executable files are not allowed",
            "verification failure",
        ],
    },
    // TLS was required and could not be negotiated.
    TextRule {
        reason: Reason::FailedStartTls,
        phrases: &[
            "starttls is required",
            "must issue a starttls",
            "tls required",
            "failed to establish a tls",
            "tls negotiation failed",
        ],
    },
    // The sending service itself suppressed the address.
    TextRule {
        reason: Reason::Suppressed,
        phrases: &[
            "on the suppression list",
            "suppression list",
            "has suppressed sending",
        ],
    },
    // A malformed SMTP command or argument (RFC 3463 X.5.x).
    TextRule {
        reason: Reason::SyntaxError,
        phrases: &[
            "syntax error",
            "command unrecognized",
            "bad sequence of commands",
        ],
    },
    // The local delivery program failed.
    TextRule {
        reason: Reason::MailerError,
        phrases: &[
            "command died with status",
            "command failed:",
            "command output:",
            "exit code",
            "pipe to |",
            "procmail",
            "unknown mailer error",
            "mailer error",
        ],
    },
];

/// Enhanced status codes specific enough to name one reason (RFC 3463, RFC 7372, and the
/// well-known provider extensions). Codes that many different refusals share (`X.0.0`,
/// `X.7.1`, `X.5.0` …) are left out: the text decides those.
pub static STATUS_RULES: &[(&str, Reason)] = &[
    ("5.1.0", Reason::UserUnknown),
    ("5.1.1", Reason::UserUnknown),
    ("4.1.1", Reason::UserUnknown),
    ("5.1.2", Reason::HostUnknown),
    ("4.1.2", Reason::HostUnknown),
    ("5.1.3", Reason::UserUnknown),
    ("5.1.4", Reason::UserUnknown),
    ("5.1.6", Reason::HasMoved),
    ("4.1.6", Reason::HasMoved),
    ("5.1.7", Reason::Rejected),
    ("4.1.7", Reason::Rejected),
    ("5.1.8", Reason::Rejected),
    ("4.1.8", Reason::Rejected),
    ("5.1.9", Reason::SystemError),
    ("5.1.10", Reason::UserUnknown), // Microsoft: RecipientNotFound (RFC 7505 null MX says so in text)
    ("5.2.0", Reason::Filtered),
    ("5.2.1", Reason::Filtered),
    ("4.2.1", Reason::Filtered),
    ("5.2.2", Reason::MailboxFull),
    ("4.2.2", Reason::MailboxFull),
    ("5.2.3", Reason::ExceedLimit),
    ("4.2.3", Reason::ExceedLimit),
    ("5.2.4", Reason::SystemError),
    ("5.3.0", Reason::SystemError),
    ("5.3.1", Reason::SystemFull),
    ("4.3.1", Reason::SystemFull),
    ("5.3.2", Reason::NotAccept),
    ("4.3.2", Reason::NotAccept),
    ("5.3.3", Reason::SystemError),
    ("5.3.4", Reason::MesgTooBig),
    ("4.3.4", Reason::MesgTooBig),
    ("5.3.5", Reason::SystemError),
    ("4.3.5", Reason::SystemError),
    ("5.4.0", Reason::NetworkError),
    ("5.4.1", Reason::NoRelaying),
    ("5.4.2", Reason::NetworkError),
    ("4.4.2", Reason::NetworkError),
    ("5.4.3", Reason::SystemError),
    ("4.4.3", Reason::SystemError),
    ("5.4.4", Reason::HostUnknown),
    ("4.4.4", Reason::HostUnknown),
    ("5.4.5", Reason::NetworkError),
    ("4.4.5", Reason::NetworkError),
    ("5.4.6", Reason::NetworkError),
    ("4.4.6", Reason::NetworkError),
    ("5.4.7", Reason::Expired),
    ("4.4.7", Reason::Expired),
    ("4.4.1", Reason::Expired),
    ("5.5.2", Reason::SyntaxError),
    ("5.5.4", Reason::SyntaxError),
    ("5.5.5", Reason::SyntaxError),
    ("5.5.6", Reason::ContentError),
    ("5.6.0", Reason::ContentError),
    ("5.6.1", Reason::ContentError),
    ("5.6.2", Reason::ContentError),
    ("5.6.3", Reason::ContentError),
    ("5.6.5", Reason::ContentError),
    ("5.7.2", Reason::SecurityError),
    ("5.7.3", Reason::SecurityError),
    ("5.7.4", Reason::SecurityError),
    ("5.7.5", Reason::SecurityError),
    ("5.7.6", Reason::SecurityError),
    ("5.7.7", Reason::SecurityError),
    ("5.7.8", Reason::SecurityError),
    ("5.7.9", Reason::SecurityError),
    ("5.7.10", Reason::FailedStartTls),
    ("5.7.11", Reason::FailedStartTls),
    ("5.7.13", Reason::Suspend),
    ("5.7.15", Reason::SecurityError),
    ("5.7.20", Reason::AuthFailure),
    ("5.7.21", Reason::AuthFailure),
    ("5.7.22", Reason::AuthFailure),
    ("5.7.23", Reason::AuthFailure),
    ("5.7.24", Reason::AuthFailure),
    ("5.7.25", Reason::RequirePtr),
    ("4.7.25", Reason::RequirePtr),
    ("5.7.26", Reason::AuthFailure),
    ("4.7.26", Reason::AuthFailure),
    ("5.7.27", Reason::NotAccept),
    ("5.7.28", Reason::Blocked),
    ("5.7.29", Reason::AuthFailure),
    ("5.7.30", Reason::SecurityError),
    // Microsoft's extensions.
    ("5.7.509", Reason::AuthFailure),
    ("5.7.510", Reason::SecurityError),
    ("5.7.606", Reason::Blocked),
    ("5.7.708", Reason::Blocked),
    ("5.7.750", Reason::Blocked),
];

/// Everything the classifier may look at for one recipient.
#[derive(Debug, Default, Clone, Copy)]
pub struct Evidence<'a> {
    /// The recipient's diagnostic (remote reply or the reporter's sentence).
    pub diagnostic: &'a str,
    /// The enhanced status code, if any.
    pub status: Option<&'a str>,
    /// The DSN `Action`, lower-cased.
    pub action: Option<&'a str>,
    /// The DSN `Diagnostic-Code` type (`smtp`, `x-unix` …).
    pub diagnostic_type: Option<&'a str>,
    /// The SMTP command the refusal answered.
    pub command: Option<Command>,
    /// The report's prose, for a last look.
    pub context: &'a str,
}

/// Whether `text` (lower-case) contains `phrase`, where `*` in the phrase matches anything.
fn phrase_matches(text: &str, phrase: &str) -> bool {
    let mut rest = text;
    for piece in phrase.split('*') {
        if piece.is_empty() {
            continue;
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// The first rule of [`TEXT_RULES`] whose phrase occurs in `text` (any case).
pub fn match_text(text: &str) -> Option<Reason> {
    if text.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    TEXT_RULES
        .iter()
        .find(|rule| rule.phrases.iter().any(|p| phrase_matches(&lower, p)))
        .map(|rule| rule.reason)
}

/// The row of [`TEXT_RULES`] whose phrase occurs first in table order.
fn row_of_text(text: &str) -> Option<usize> {
    if text.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    TEXT_RULES
        .iter()
        .position(|rule| rule.phrases.iter().any(|p| phrase_matches(&lower, p)))
}

/// The reason [`STATUS_RULES`] gives a status code.
pub fn match_status(status: &str) -> Option<Reason> {
    STATUS_RULES
        .iter()
        .find(|(code, _)| *code == status)
        .map(|(_, reason)| *reason)
}

/// Decides the reason for one recipient.
pub fn classify(ev: &Evidence<'_>) -> Reason {
    let status = ev.status.unwrap_or("");
    if status.starts_with("2.") || matches!(ev.action, Some("delivered" | "relayed" | "expanded")) {
        return Reason::Delivered;
    }
    // The text and the status code each point at a row of the table; the earlier row wins,
    // so a specific code (5.7.26) beats a vaguer phrase further down ("rejected"), and a
    // specific phrase ("mailbox full") beats a code further down. A 5.1.1 is not taken for
    // "user unknown" when the text says the refusal was about relaying, the sender, a block
    // or a full mailbox.
    let text_row = row_of_text(ev.diagnostic);
    let status_row = match_status(status)
        .and_then(|r| TEXT_RULES.iter().position(|rule| rule.reason == r))
        .filter(|&row| {
            let overridden = TEXT_RULES.get(row).map(|r| r.reason) == Some(Reason::UserUnknown)
                && text_row.and_then(|t| TEXT_RULES.get(t)).is_some_and(|t| {
                    matches!(
                        t.reason,
                        Reason::NoRelaying
                            | Reason::Blocked
                            | Reason::MailboxFull
                            | Reason::HasMoved
                            | Reason::Rejected
                            | Reason::NotAccept
                    )
                });
            !overridden
        });
    let row = match (text_row, status_row) {
        (Some(t), Some(s)) => Some(t.min(s)),
        (t, s) => t.or(s),
    };
    if let Some(rule) = row.and_then(|r| TEXT_RULES.get(r)) {
        return if Some(rule.reason) == match_status(status) && status_row == row {
            rule.reason
        } else {
            adjust_for_command(rule.reason, ev)
        };
    }
    if let Some(reason) = match_text(ev.context) {
        return adjust_for_command(reason, ev);
    }
    fallback(ev)
}

/// The SMTP stage and the status code refine what the phrase said.
///
/// "User unknown" proves that the address does not exist when it answers `RCPT TO`, or comes
/// without a stage. After the message was sent (`DATA`), or with a status that is about the
/// mailbox's state, the system or the content (X.2.x, X.3.x, X.6.x, X.7.x), it is how content
/// and recipient filters word a refusal: the message was filtered. In answer to `MAIL FROM`
/// it is about the sender.
fn adjust_for_command(reason: Reason, ev: &Evidence<'_>) -> Reason {
    let address_status = ev
        .status
        .is_some_and(|s| s.get(1..3) == Some(".1") || s.get(1..) == Some(".5.0"));
    // Only a remote server's reply can be a filter's wording; the reporting server's own
    // sentence about a recipient it could not find is just that.
    let non_address_status =
        !address_status && crate::smtp::find_reply_code(ev.diagnostic).is_some();
    match (reason, ev.command) {
        (Reason::UserUnknown, Some(Command::Mail)) => Reason::Rejected,
        (Reason::UserUnknown, Some(Command::Rcpt)) => Reason::UserUnknown,
        (Reason::UserUnknown, Some(Command::Data)) => Reason::Filtered,
        (Reason::UserUnknown, _) if non_address_status => Reason::Filtered,
        _ => reason,
    }
}

/// When neither text nor code named a reason: the status class, the action, the command.
fn fallback(ev: &Evidence<'_>) -> Reason {
    let status = ev.status.unwrap_or("");
    if matches!(ev.action, Some(a) if a.starts_with("delayed") || a.starts_with("expired")) {
        return Reason::Expired;
    }
    if status.get(1..3) == Some(".6") {
        return Reason::ContentError;
    }
    if status.get(1..3) == Some(".7") {
        return Reason::SecurityError;
    }
    if ev.diagnostic_type.is_some_and(|t| t.starts_with("x-unix")) {
        return Reason::MailerError;
    }
    match ev.command {
        Some(Command::Helo | Command::Connect) => return Reason::Blocked,
        Some(Command::Mail) => return Reason::Rejected,
        _ => {}
    }
    if status.get(1..3) == Some(".5") {
        return Reason::SyntaxError;
    }
    if !ev.diagnostic.trim().is_empty() {
        Reason::OnHold
    } else {
        Reason::Undefined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &str) -> Reason {
        let status = crate::smtp::find_status(d);
        classify(&Evidence {
            diagnostic: d,
            status: status.as_deref(),
            command: crate::smtp::find_command(d),
            ..Evidence::default()
        })
    }

    #[test]
    fn phrases_and_globs() {
        assert!(phrase_matches(
            "relaying mail to example.jp is not allowed",
            "relaying mail to * is not allowed"
        ));
        assert!(!phrase_matches(
            "is not allowed relaying mail to",
            "relaying mail to * is not allowed"
        ));
    }

    #[test]
    fn user_unknown_depends_on_the_stage() {
        assert_eq!(
            text("550 User unknown (in reply to RCPT TO command)"),
            Reason::UserUnknown
        );
        assert_eq!(
            text("550 User unknown (in reply to end of DATA command)"),
            Reason::Filtered
        );
        assert_eq!(
            text("User some.name not listed in Domino Directory"),
            Reason::UserUnknown
        );
    }

    #[test]
    fn common_replies() {
        assert_eq!(
            text("550 5.1.1 <a@example.jp>... User Unknown"),
            Reason::UserUnknown
        );
        assert_eq!(text("552 5.2.2 Mailbox full"), Reason::MailboxFull);
        assert_eq!(
            text(
                "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"
            ),
            Reason::Blocked
        );
        assert_eq!(
            text("550 5.7.1 Message rejected as spam"),
            Reason::SpamDetected
        );
        assert_eq!(
            text("553 sorry, that domain isn't in my list of allowed rcpthosts"),
            Reason::NoRelaying
        );
        assert_eq!(
            text("Host or domain name not found. Name service error"),
            Reason::HostUnknown
        );
        assert_eq!(
            text("550 5.7.509 Access denied, sending domain does not pass DMARC verification"),
            Reason::AuthFailure
        );
    }

    #[test]
    fn status_when_text_is_silent() {
        let ev = |s| Evidence {
            diagnostic: "550 go",
            status: Some(s),
            ..Evidence::default()
        };
        assert_eq!(classify(&ev("5.1.1")), Reason::UserUnknown);
        assert_eq!(classify(&ev("4.2.2")), Reason::MailboxFull);
        assert_eq!(classify(&ev("5.7.26")), Reason::AuthFailure);
        assert_eq!(classify(&ev("2.0.0")), Reason::Delivered);
    }

    #[test]
    fn fallbacks() {
        let ev = Evidence {
            diagnostic: "",
            action: Some("delayed"),
            ..Evidence::default()
        };
        assert_eq!(classify(&ev), Reason::Expired);
        let ev = Evidence {
            diagnostic: "550 no",
            command: Some(Command::Mail),
            ..Evidence::default()
        };
        assert_eq!(classify(&ev), Reason::Rejected);
        assert_eq!(classify(&Evidence::default()), Reason::Undefined);
    }
}
