//! Rules of particular remote mail services: some large receivers document their own error
//! codes or wordings, and a reply from them is read with their table before the general
//! rules. The service is known by the recipient's domain, the remote server's host name or
//! the hosts in the bounce's `Received:` headers.
//!
//! The host lists and the tables follow the public documentation of each service as collected
//! in Sisimai's `rhost/for-*.go` (BSD 2-Clause, "azumakuniyuki and sisimai development team"),
//! re-expressed here as data.

use crate::reason::Reason;
use crate::smtp::Command;

/// A mail service with rules of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Aol,
    Apple,
    Cox,
    Facebook,
    FrancePtt,
    GoDaddy,
    Google,
    GSuite,
    Kddi,
    Microsoft,
    Mimecast,
    NttDocomo,
    Outlook,
    Spectrum,
    Tencent,
    YahooInc,
}

/// Host-name endings per service.
const HOSTS: &[(Service, &[&str])] = &[
    (Service::Aol, &[".mail.aol.com", ".mx.aol.com"]),
    (
        Service::Apple,
        &[".mail.icloud.com", ".apple.com", ".me.com"],
    ),
    (Service::Cox, &["cox.net"]),
    (Service::Facebook, &[".facebook.com"]),
    (
        Service::FrancePtt,
        &[".laposte.net", ".orange.fr", ".wanadoo.fr"],
    ),
    (
        Service::GoDaddy,
        &["smtp.secureserver.net", "mailstore1.secureserver.net"],
    ),
    (
        Service::Google,
        &["aspmx.l.google.com", "gmail-smtp-in.l.google.com"],
    ),
    (Service::GSuite, &["googlemail.com"]),
    (Service::Kddi, &[".ezweb.ne.jp", "msmx.au.com"]),
    (
        Service::Microsoft,
        &[
            ".prod.outlook.com",
            ".protection.outlook.com",
            ".onmicrosoft.com",
            ".exchangelabs.com",
        ],
    ),
    (Service::Mimecast, &[".mimecast.com"]),
    (Service::NttDocomo, &["mfsmax.docomo.ne.jp"]),
    (Service::Outlook, &[".hotmail.com"]),
    (Service::Spectrum, &["charter.net"]),
    (Service::Tencent, &[".qq.com"]),
    (Service::YahooInc, &[".yahoodns.net"]),
];

/// Wordings per service and the reason each means (lower-case, any position).
const PHRASES: &[(Service, Reason, &[&str])] = &[
    (
        Service::Aol,
        Reason::HostUnknown,
        &["host or domain name not found"],
    ),
    (
        Service::Aol,
        Reason::NotAccept,
        &["type=mx: malformed or unexpected name server reply"],
    ),
    // Apple iCloud Mail: https://support.apple.com/en-us/102322
    (
        Service::Apple,
        Reason::AuthFailure,
        &[
            "s dmarc policy",
            "blocked for failing both spf and dkim autentication checks",
            "blocked for failing both spf and dkim authentication checks",
        ],
    ),
    (
        Service::Apple,
        Reason::Blocked,
        &[
            "rejected due to having a domain present in the spamhaus",
            "rejected due to listing in spamhaus",
            "blocked - see https://support.proofpoint.com/dnsbl-lookup",
            "not accepting connections",
        ],
    ),
    (
        Service::Apple,
        Reason::HasMoved,
        &["recipient no longer on server"],
    ),
    (Service::Apple, Reason::MailboxFull, &["user is over quota"]),
    (Service::Apple, Reason::NoRelaying, &["relay access denied"]),
    (
        Service::Apple,
        Reason::NotAccept,
        &["host/domain does not accept mail"],
    ),
    (
        Service::Apple,
        Reason::PolicyViolation,
        &["due to local policy"],
    ),
    (
        Service::Apple,
        Reason::Rejected,
        &["sender address rejected"],
    ),
    (
        Service::Apple,
        Reason::Speeding,
        &["due to excessive volume"],
    ),
    (
        Service::Apple,
        Reason::UserUnknown,
        &[
            "inactive email address",
            "user does not exist",
            "unknown or illegal alias",
        ],
    ),
    // Orange / La Poste, when the reply carries no numbered code.
    (
        Service::FrancePtt,
        Reason::AuthFailure,
        &["spf/dns de votre nom de domaine"],
    ),
    // Outlook.com (hotmail)
    (
        Service::Outlook,
        Reason::HostUnknown,
        &["the mail could not be delivered to the recipient because the domain is not reachable"],
    ),
    (
        Service::Outlook,
        Reason::UserUnknown,
        &["requested action not taken: mailbox unavailable"],
    ),
    // Cox: https://www.cox.com/residential/support/cox-postmaster-email-administration.html
    (
        Service::Cox,
        Reason::Blocked,
        &[
            "cox too many bad commands from",
            "too many invalid recipients",
        ],
    ),
    (
        Service::Cox,
        Reason::RequirePtr,
        &["dns check failure - try again later", "rejected - no rdns"],
    ),
    (
        Service::Cox,
        Reason::PolicyViolation,
        &[
            "esmtp no data before greeting",
            "attachment extension is forbidden",
        ],
    ),
    (Service::Cox, Reason::Rejected, &["sender rejected"]),
    (
        Service::Cox,
        Reason::SystemError,
        &["esmtp server temporarily not available"],
    ),
    (
        Service::Cox,
        Reason::TooManyConn,
        &[
            "too many sessions from",
            "requested action aborted: try again later",
            "message threshold exceeded",
        ],
    ),
    (Service::Cox, Reason::UserUnknown, &["recipient rejected"]),
    // au (KDDI): the same reply with and without the address.
    (Service::Kddi, Reason::Filtered, &["550 : user unknown"]),
    (Service::Kddi, Reason::UserUnknown, &[">: user unknown"]),
    // NTT docomo
    (
        Service::NttDocomo,
        Reason::MailboxFull,
        &["552 too much mail data"],
    ),
    (
        Service::NttDocomo,
        Reason::SyntaxError,
        &[
            "503 bad sequence of commands",
            "504 command parameter not implemented",
        ],
    ),
    (
        Service::NttDocomo,
        Reason::TooManyConn,
        &["552 too many recipients"],
    ),
    (
        Service::NttDocomo,
        Reason::UserUnknown,
        &["550 unknown user"],
    ),
    // Tencent (QQ mail): https://service.mail.qq.com/detail/122
    (
        Service::Tencent,
        Reason::AuthFailure,
        &["spf check failed", "dmarc check failed"],
    ),
    (
        Service::Tencent,
        Reason::Blocked,
        &[
            "suspected bounce attacks",
            "suspected spam ip",
            "connection denied",
        ],
    ),
    (Service::Tencent, Reason::MesgTooBig, &["message too large"]),
    (
        Service::Tencent,
        Reason::Rejected,
        &["suspected spam", "mail is rejected by recipients"],
    ),
    (
        Service::Tencent,
        Reason::SpamDetected,
        &["spam is embedded in the email", "mail content denied"],
    ),
    (
        Service::Tencent,
        Reason::Speeding,
        &[
            "mailbox unavailable or access denined",
            "frequency of receiving messages is limited",
        ],
    ),
    (
        Service::Tencent,
        Reason::Suspend,
        &["is a deactivated mailbox"],
    ),
    (
        Service::Tencent,
        Reason::SyntaxError,
        &["bad address syntax"],
    ),
    (
        Service::Tencent,
        Reason::TooManyConn,
        &[
            "ip frequency limited",
            "domain frequency limited",
            "sender frequency limited",
            "connection frequency limited",
        ],
    ),
    (
        Service::Tencent,
        Reason::UserUnknown,
        &["mailbox not found"],
    ),
    // Yahoo Inc. (also AOL's current MX): https://senders.yahooinc.com/smtp-error-codes
    (
        Service::YahooInc,
        Reason::AuthFailure,
        &["yahoo requires all senders to authenticate with either spf or dkim"],
    ),
    (
        Service::YahooInc,
        Reason::Blocked,
        &[
            " because the ip is in spamhaus's list;",
            "not accepted from ip addresses on spamhaus xbl",
        ],
    ),
    (
        Service::YahooInc,
        Reason::NoRelaying,
        &["relaying denied for "],
    ),
    (
        Service::YahooInc,
        Reason::NotCompliantRfc,
        &["headers are not rfc compliant"],
    ),
    (
        Service::YahooInc,
        Reason::PolicyViolation,
        &["not accepted for policy reasons"],
    ),
    (
        Service::YahooInc,
        Reason::Rejected,
        &[
            "temporarily deferred due to unexpected volume or user complaints",
            "due to unresolvable rfc.5321 domain",
            " will be permanently deferred",
        ],
    ),
    (
        Service::YahooInc,
        Reason::Speeding,
        &["user is receiving mail too quickly"],
    ),
    (
        Service::YahooInc,
        Reason::Suspend,
        &[" is no longer valid.", "this mailbox is disabled"],
    ),
    (
        Service::YahooInc,
        Reason::SyntaxError,
        &["syntax error in parameters or arguments"],
    ),
    (
        Service::YahooInc,
        Reason::TooManyConn,
        &["max message per connection reached"],
    ),
    (
        Service::YahooInc,
        Reason::UserUnknown,
        &["dd this user doesn't have a ", "mailbox not found"],
    ),
];

/// GoDaddy's `IB` codes (https://ca.godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685).
const GODADDY_CODES: &[(&str, Reason)] = &[
    ("IB401", Reason::SecurityError),
    ("IB501", Reason::NotCompliantRfc),
    ("IB502", Reason::NotCompliantRfc),
    ("IB506", Reason::Rejected),
    ("IB508", Reason::AuthFailure),
    ("IB108", Reason::RequirePtr),
    ("IB212", Reason::SpamDetected),
    ("IB705", Reason::VirusDetected),
    ("IB605", Reason::TooManyConn),
    ("IB007", Reason::TooManyConn),
    ("IB101", Reason::Speeding),
    ("IB110", Reason::Blocked),
    ("IB111", Reason::Blocked),
    ("IB112", Reason::Blocked),
    ("IB113", Reason::Blocked),
    ("IB504", Reason::Speeding),
    ("IB510", Reason::Speeding),
    ("IB607", Reason::Speeding),
    ("IB103", Reason::BadReputation),
    ("IB104", Reason::Blocked),
    ("IB105", Reason::Blocked),
    ("IB106", Reason::Blocked),
];

/// GoDaddy's wordings without a code.
const GODADDY_PHRASES: &[(&str, Reason)] = &[
    ("rbl reject", Reason::Blocked),
    ("www.spamhaus.org/query/bl?ip=", Reason::Blocked),
    ("has been in the queue too long", Reason::Expired),
    ("delivery timeout", Reason::Expired),
    ("account storage limit", Reason::MailboxFull),
    (
        "message rejected for spam or virus content",
        Reason::SpamDetected,
    ),
    ("account disabled", Reason::Suspend),
    ("message is looping", Reason::SystemError),
    ("recipient not found", Reason::UserUnknown),
    ("account does not exist", Reason::UserUnknown),
];

/// Orange / La Poste numbered codes (`OFR_999`, `LPN007_510`, `OFR004_405 [405]`): the
/// number after the label (https://www.postmastery.com/orange-postmaster-smtp-error-codes-ofr/).
const FRANCEPTT_CODES: &[(&str, Reason)] = &[
    ("101", Reason::Blocked),
    ("102", Reason::Blocked),
    ("103", Reason::Blocked),
    ("104", Reason::TooManyConn),
    ("305", Reason::SecurityError),
    ("401", Reason::AuthFailure),
    ("402", Reason::SecurityError),
    ("403", Reason::Rejected),
    ("405", Reason::Rejected),
    ("415", Reason::Rejected),
    ("416", Reason::UserUnknown),
    ("417", Reason::MailboxFull),
    ("420", Reason::Suspend),
    ("421", Reason::Rejected),
    ("426", Reason::Suspend),
    ("505", Reason::SystemError),
    ("506", Reason::SpamDetected),
    ("510", Reason::Blocked),
    ("514", Reason::MesgTooBig),
    ("517", Reason::AuthFailure),
    ("630", Reason::PolicyViolation),
    ("999", Reason::Blocked),
    // Codes the table lists without a reason ("please try later").
    ("105", Reason::Undefined),
    ("107", Reason::Undefined),
    ("108", Reason::Undefined),
    ("109", Reason::Undefined),
    ("201", Reason::Undefined),
    ("423", Reason::Undefined),
    ("424", Reason::Undefined),
    ("513", Reason::Undefined),
];

/// Microsoft (Exchange Online, Exchange Server) NDR codes with their documented wording:
/// (status code or class prefix, lowest and highest last number for a range or 0/0, wording,
/// reason). From "Email non-delivery reports and SMTP errors in Exchange Online" and the
/// Exchange Server 2019 NDR list, as collected in Sisimai's `rhost/for-microsoft.go`.
const MICROSOFT: &[(&str, u16, u16, &str, Reason)] = &[
    (
        "4.7.26",
        0,
        0,
        "must pass either spf or dkim validation, this message is not signed",
        Reason::AuthFailure,
    ),
    (
        "5.7.23",
        0,
        0,
        "the message was rejected because of sender policy framework violation",
        Reason::AuthFailure,
    ),
    (
        "5.7.509",
        0,
        0,
        "does not pass dmarc verification",
        Reason::AuthFailure,
    ),
    (
        "5.7.515",
        0,
        0,
        "doesn't meet the required authentication level",
        Reason::AuthFailure,
    ),
    (
        "4.7.650",
        0,
        0,
        "has been temporarily rate limited due to ip reputation",
        Reason::BadReputation,
    ),
    ("4.4.2", 0, 0, "connection dropped", Reason::Blocked),
    (
        "4.7.",
        850,
        899,
        "access denied, please try again later",
        Reason::Blocked,
    ),
    (
        "5.7.25",
        0,
        0,
        "must have a reverse dns record",
        Reason::Blocked,
    ),
    ("5.7.506", 0, 0, "access denied, bad helo", Reason::Blocked),
    (
        "5.7.507",
        0,
        0,
        "access denied, rejected by recipient",
        Reason::Blocked,
    ),
    (
        "5.7.510",
        0,
        0,
        "does not accept email over ipv6",
        Reason::Blocked,
    ),
    (
        "5.7.511",
        0,
        0,
        "access denied, banned sender",
        Reason::Blocked,
    ),
    (
        "5.7.513",
        0,
        0,
        "using customer block list",
        Reason::Blocked,
    ),
    (
        "5.7.",
        606,
        649,
        "access denied, banned sending ip ",
        Reason::Blocked,
    ),
    (
        "4.7.",
        500,
        699,
        "access denied, please try again later",
        Reason::Blocked,
    ),
    ("5.5.4", 0, 0, "invalid domain name", Reason::Blocked),
    (
        "5.7.1",
        0,
        0,
        "part of their network is on our block list (s3150)",
        Reason::Blocked,
    ),
    (
        "5.3.0",
        0,
        0,
        "too many related errors",
        Reason::ContentError,
    ),
    ("5.6.11", 0, 0, "invalid characters", Reason::ContentError),
    (
        "5.4.11",
        0,
        0,
        "agent generated message depth exceeded",
        Reason::ContentError,
    ),
    (
        "5.5.6",
        0,
        0,
        "invalid message content",
        Reason::ContentError,
    ),
    (
        "5.2.3",
        0,
        0,
        "resolver.rst.recipsizelimit; message too large for this recipient",
        Reason::MesgTooBig,
    ),
    (
        "5.3.4",
        0,
        0,
        "message size exceeds fixed maximum message size",
        Reason::MesgTooBig,
    ),
    (
        "5.3.4",
        0,
        0,
        "message too big for system",
        Reason::MesgTooBig,
    ),
    ("4.4.1", 0, 0, "connection timed out", Reason::Expired),
    ("4.4.7", 0, 0, "message delayed", Reason::Expired),
    (
        "4.4.7",
        0,
        0,
        "queue expired; message expired",
        Reason::Expired,
    ),
    ("4.4.7", 0, 0, "message expired", Reason::Expired),
    ("5.4.300", 0, 0, "message expired", Reason::Expired),
    ("5.4.316", 0, 0, "message expired", Reason::Expired),
    (
        "4.4.8",
        0,
        0,
        " failed mta-sts validation",
        Reason::FailedStartTls,
    ),
    (
        "5.4.8",
        0,
        0,
        " failed mta-sts validation",
        Reason::FailedStartTls,
    ),
    (
        "4.4.317",
        0,
        0,
        "starttls is required to send mail",
        Reason::FailedStartTls,
    ),
    (
        "5.4.317",
        0,
        0,
        "starttls is required to send mail",
        Reason::FailedStartTls,
    ),
    (
        "4.7.5",
        0,
        0,
        "remote certificate failed mta-sts validation",
        Reason::FailedStartTls,
    ),
    (
        "5.7.5",
        0,
        0,
        "remote certificate failed mta-sts validation",
        Reason::FailedStartTls,
    ),
    (
        "4.7.321",
        0,
        0,
        "starttls-not-supported:",
        Reason::FailedStartTls,
    ),
    (
        "5.7.321",
        0,
        0,
        "starttls-not-supported:",
        Reason::FailedStartTls,
    ),
    (
        "5.7.322",
        0,
        0,
        "certificate-expired:",
        Reason::FailedStartTls,
    ),
    ("4.7.323", 0, 0, "tlsa-invalid:", Reason::FailedStartTls),
    ("5.7.323", 0, 0, "tlsa-invalid:", Reason::FailedStartTls),
    ("4.7.324", 0, 0, "dnssec-invalid:", Reason::FailedStartTls),
    ("5.7.324", 0, 0, "dnssec-invalid:", Reason::FailedStartTls),
    (
        "4.7.325",
        0,
        0,
        "certificate-host-mismatch:",
        Reason::FailedStartTls,
    ),
    (
        "5.7.325",
        0,
        0,
        "certificate-host-mismatch:",
        Reason::FailedStartTls,
    ),
    ("5.2.2", 0, 0, "mailbox full", Reason::MailboxFull),
    (
        "5.4.4",
        0,
        0,
        "smtpsend.dns.nonexistentdomain; nonexistent domain",
        Reason::NetworkError,
    ),
    (
        "5.4.6",
        0,
        0,
        "hop count exceeded - possible mail loop",
        Reason::NetworkError,
    ),
    ("4.4.312", 0, 0, "dns query failed", Reason::NetworkError),
    ("5.4.312", 0, 0, "dns query failed", Reason::NetworkError),
    ("4.4.316", 0, 0, "connection refused", Reason::NetworkError),
    ("5.4.316", 0, 0, "connection refused", Reason::NetworkError),
    ("5.4.4", 0, 0, "invalid arguments", Reason::NetworkError),
    ("5.4.6", 0, 0, "routing loop detected", Reason::NetworkError),
    (
        "5.4.14",
        0,
        0,
        "routing loop detected",
        Reason::NetworkError,
    ),
    ("5.7.1", 0, 0, "unable to relay", Reason::NoRelaying),
    ("5.4.1", 0, 0, "relay access denied", Reason::NoRelaying),
    (
        "5.7.64",
        0,
        0,
        "tenantattribution; relay access denied",
        Reason::NoRelaying,
    ),
    ("5.4.310", 0, 0, "does not exist", Reason::NoRelaying),
    (
        "4.3.2",
        0,
        0,
        "system not accepting network messages",
        Reason::NotAccept,
    ),
    (
        "4.4.4",
        0,
        0,
        "hosted tenant which has no mail-enabled subscriptions",
        Reason::NotAccept,
    ),
    (
        "5.3.2",
        0,
        0,
        "storedrv.deliver: missing or bad storedriver mdb properties",
        Reason::NotAccept,
    ),
    (
        "5.0.350",
        0,
        0,
        "x-dg-ref header is too long",
        Reason::PolicyViolation,
    ),
    (
        "5.0.350",
        0,
        0,
        "requested action not taken: policy violation detected (as345)",
        Reason::PolicyViolation,
    ),
    (
        "5.7.",
        900,
        999,
        "delivery not authorized, message refused",
        Reason::PolicyViolation,
    ),
    ("5.1.7", 0, 0, "invalid address", Reason::Rejected),
    ("5.1.7", 0, 0, "unknown sender address", Reason::Rejected),
    ("5.1.0", 0, 0, "sender denied", Reason::Rejected),
    (
        "5.1.8",
        0,
        0,
        "access denied, bad outbound sender",
        Reason::Rejected,
    ),
    ("5.7.1", 0, 0, "delivery not authorized", Reason::Rejected),
    (
        "5.7.12",
        0,
        0,
        "sender was not authenticated by organization",
        Reason::Rejected,
    ),
    (
        "5.7.124",
        0,
        0,
        "sender not in allowed-senders list",
        Reason::Rejected,
    ),
    (
        "5.7.133",
        0,
        0,
        "sender not authenticated for group",
        Reason::Rejected,
    ),
    (
        "5.7.134",
        0,
        0,
        "sender was not authenticated for mailbox",
        Reason::Rejected,
    ),
    (
        "5.7.13",
        0,
        0,
        "sender was not authenticated for public folder",
        Reason::Rejected,
    ),
    (
        "5.7.135",
        0,
        0,
        "sender was not authenticated for public folder",
        Reason::Rejected,
    ),
    (
        "5.7.136",
        0,
        0,
        "sender was not authenticated",
        Reason::Rejected,
    ),
    (
        "5.7.",
        501,
        503,
        "access denied, spam abuse detected",
        Reason::Rejected,
    ),
    (
        "5.7.512",
        0,
        0,
        "access denied, message must be rfc 5322 section 3.6.2 compliant",
        Reason::Rejected,
    ),
    (
        "5.7.750",
        0,
        0,
        "service unavailable. client blocked from sending from unregistered domains",
        Reason::Rejected,
    ),
    (
        "5.7.",
        501,
        503,
        "access denied, banned sender",
        Reason::Rejected,
    ),
    (
        "5.7.3",
        0,
        0,
        "cannot achieve exchange server authentication",
        Reason::SecurityError,
    ),
    ("5.7.3", 0, 0, "not authorized", Reason::SecurityError),
    (
        "5.7.1",
        0,
        0,
        "client was not authenticated",
        Reason::SecurityError,
    ),
    (
        "5.7.57",
        0,
        0,
        "client was not authenticated to send anonymous mail during mail from",
        Reason::SecurityError,
    ),
    (
        "5.2.1",
        0,
        0,
        "content filter agent quarantined this message",
        Reason::SpamDetected,
    ),
    ("5.5.3", 0, 0, "too many recipients", Reason::Speeding),
    (
        "4.3.2",
        0,
        0,
        "storedrv.deliver; recipient thread limit exceeded",
        Reason::Speeding,
    ),
    ("4.5.3", 0, 0, "too many recipients", Reason::Speeding),
    (
        "4.7.652",
        0,
        0,
        "has exceeded the maximum number of connections",
        Reason::Speeding,
    ),
    (
        "5.1.90",
        0,
        0,
        "reached your daily limit for message recipients",
        Reason::Speeding,
    ),
    ("5.2.2", 0, 0, "submission quota exceeded", Reason::Speeding),
    (
        "5.2.121",
        0,
        0,
        "recipient's per hour message receive limit",
        Reason::Speeding,
    ),
    (
        "5.2.122",
        0,
        0,
        "recipient's per hour message receive limit",
        Reason::Speeding,
    ),
    (
        "5.2.122",
        0,
        0,
        "the recipient has exceeded their limit for",
        Reason::Speeding,
    ),
    (
        "5.7.508",
        0,
        0,
        "has exceeded permitted limits within",
        Reason::Speeding,
    ),
    (
        "5.7.",
        700,
        749,
        "tenant has exceeded threshold",
        Reason::Speeding,
    ),
    (
        "5.7.",
        700,
        749,
        "traffic not accepted from this ip",
        Reason::Speeding,
    ),
    (
        "5.7.504",
        0,
        0,
        "recipient address rejected: access denied",
        Reason::Suspend,
    ),
    (
        "5.7.505",
        0,
        0,
        "access denied, banned recipient",
        Reason::Suspend,
    ),
    ("5.2.1", 0, 0, "mailbox cannot be accessed", Reason::Suspend),
    ("5.3.3", 0, 0, "unrecognized command", Reason::SyntaxError),
    ("5.5.2", 0, 0, "send hello first", Reason::SyntaxError),
    ("4.3.2", 0, 0, "service not available", Reason::SystemError),
    ("4.3.2", 0, 0, "service not active", Reason::SystemError),
    (
        "5.3.5",
        0,
        0,
        "system incorrectly configured",
        Reason::SystemError,
    ),
    (
        "5.3.190",
        0,
        0,
        "when journaling archive is disabled",
        Reason::SystemError,
    ),
    (
        "5.0.0",
        0,
        0,
        "helo / ehlo requires domain address",
        Reason::SystemError,
    ),
    (
        "5.1.4",
        0,
        0,
        "destination mailbox address ambiguous",
        Reason::SystemError,
    ),
    (
        "5.2.4",
        0,
        0,
        "mailing list expansion problem",
        Reason::SystemError,
    ),
    (
        "5.2.14",
        0,
        0,
        "misconfigured forwarding address",
        Reason::SystemError,
    ),
    (
        "4.4.",
        22,
        28,
        "message failed to be replicated:",
        Reason::SystemError,
    ),
    (
        "4.4.3",
        0,
        0,
        "temporary server error. please try again later attr18",
        Reason::SystemError,
    ),
    (
        "4.7.0",
        0,
        0,
        "temporary server error. please try again later. prx4 nexthop:",
        Reason::SystemError,
    ),
    (
        "4.4.318",
        0,
        0,
        "(suspiciousremoteservererror)",
        Reason::SystemError,
    ),
    (
        "5.4.318",
        0,
        0,
        "(suspiciousremoteservererror)",
        Reason::SystemError,
    ),
    (
        "4.7.500",
        0,
        0,
        "server busy. please try again later from ",
        Reason::SystemError,
    ),
    (
        "4.7.700",
        0,
        0,
        "pfa agent busy, please try again.",
        Reason::SystemError,
    ),
    (
        "4.3.1",
        0,
        0,
        "insufficient system resources",
        Reason::SystemFull,
    ),
    (
        "5.1.1",
        0,
        0,
        "resolver.adr.exrecipnotfound; not found",
        Reason::UserUnknown,
    ),
    ("5.1.1", 0, 0, "user unknown", Reason::UserUnknown),
    (
        "5.1.3",
        0,
        0,
        "storedrv.submit; invalid recipient address",
        Reason::UserUnknown,
    ),
    (
        "5.1.",
        4,
        5,
        "recipient address reserved by rfc 2606",
        Reason::UserUnknown,
    ),
    (
        "5.1.6",
        0,
        0,
        "recipient addresses in single label domains not accepted",
        Reason::UserUnknown,
    ),
    (
        "5.1.1",
        0,
        0,
        "bad destination mailbox address",
        Reason::UserUnknown,
    ),
    ("5.1.10", 0, 0, "recipient not found", Reason::UserUnknown),
    (
        "5.4.1",
        0,
        0,
        "recipient address rejected: access denied",
        Reason::UserUnknown,
    ),
    (
        "5.5.0",
        0,
        0,
        "requested action not taken: mailbox unavailable",
        Reason::UserUnknown,
    ),
    ("5.1.2", 0, 0, "invalid x.400 address", Reason::UserUnknown),
    (
        "5.1.351",
        0,
        0,
        "remote server returned unknown recipient or mailbox unavailable",
        Reason::UserUnknown,
    ),
];

/// Outlook.com postmaster codes with the reply code they come with.
const OUTLOOK_CODES: &[(&str, u16, Reason)] = &[
    ("RP-001", 421, Reason::BadReputation),
    ("RP-002", 421, Reason::BadReputation),
    ("RP-003", 421, Reason::BadReputation),
    ("SC-001", 550, Reason::BadReputation),
    ("SC-002", 550, Reason::PolicyViolation),
    ("SC-003", 550, Reason::Blocked),
    ("SC-004", 550, Reason::Blocked),
    ("DY-001", 550, Reason::Blocked),
    ("DY-002", 550, Reason::Blocked),
    ("OU-001", 550, Reason::Blocked),
    ("OU-002", 550, Reason::BadReputation),
];

/// Mimecast's documented replies: (reply code, wording, reason)
/// (https://community.mimecast.com/s/article/email-security-cloud-gateway-mimecast-smtp-error-codes).
const MIMECAST: &[(u16, &str, Reason)] = &[
    (
        550,
        "spf sender invalid - envelope rejected",
        Reason::AuthFailure,
    ),
    (
        550,
        "dkim sender invalid - envelope rejected",
        Reason::AuthFailure,
    ),
    (
        550,
        "dmarc sender invalid - envelope rejected",
        Reason::AuthFailure,
    ),
    (
        451,
        "internal resources are temporarily unavailable",
        Reason::BadReputation,
    ),
    (
        550,
        "local ct ip reputation - (reject)",
        Reason::BadReputation,
    ),
    (421, "sender address blocked", Reason::Blocked),
    (451, "recipient temporarily unavailable", Reason::Blocked),
    (451, "ip temporarily blacklisted", Reason::Blocked),
    (550, "journal messages past the expiration", Reason::Expired),
    (
        553,
        "this route requires encryption (tls)",
        Reason::FailedStartTls,
    ),
    (
        553,
        "this route requires tls version 1.2 or greater",
        Reason::FailedStartTls,
    ),
    (
        553,
        "this route requires high-strength ciphers",
        Reason::FailedStartTls,
    ),
    (
        554,
        "configuration is invalid for this certificate",
        Reason::FailedStartTls,
    ),
    (554, "maximum email size exceeded", Reason::MesgTooBig),
    (
        451,
        "the incorrect hostname used for inbounds",
        Reason::NetworkError,
    ),
    (
        550,
        "the incorrect hostname used for inbounds",
        Reason::NetworkError,
    ),
    (554, "mail loop detected", Reason::NetworkError),
    (451, "open relay not allowed", Reason::NoRelaying),
    (451, "open relay is not allowed", Reason::NoRelaying),
    (451, "account inbounds disabled", Reason::NotAccept),
    (451, "account outbounds disabled", Reason::OnHold),
    (451, "hostname is not authorized", Reason::OnHold),
    (550, "journal message past expiration", Reason::OnHold),
    (
        550,
        "anti-spoofing policy - inbound not allowed",
        Reason::PolicyViolation,
    ),
    (
        550,
        "rejected by header-based anti-spoofing policy",
        Reason::PolicyViolation,
    ),
    (
        550,
        "message bounced due to content examination policy",
        Reason::PolicyViolation,
    ),
    (554, "host network not allowed", Reason::PolicyViolation),
    (554, "host network, not allowed", Reason::PolicyViolation),
    (
        550,
        "administrative prohibition envelope blocked",
        Reason::Rejected,
    ),
    (550, "envelope blocked - user entry", Reason::Rejected),
    (
        550,
        "envelope blocked - user domain entry",
        Reason::Rejected,
    ),
    (
        550,
        "rejected by header-based manually blocked senders - block for manual block",
        Reason::Rejected,
    ),
    (
        550,
        "rejected by header-based blocked senders - block policy for header from",
        Reason::Rejected,
    ),
    (
        550,
        "envelope rejected - block policy for envelope from address",
        Reason::Rejected,
    ),
    (535, "incorrect authentication data", Reason::SecurityError),
    (550, "submitter failed to disabled", Reason::SecurityError),
    (
        550,
        "submitter failed to authenticate",
        Reason::SecurityError,
    ),
    (
        451,
        "unable to process connection at this time",
        Reason::SystemError,
    ),
    (451, "message ended early", Reason::SystemError),
    (451, "unable to process command", Reason::SystemError),
    (
        451,
        "unable to process an email at this time",
        Reason::SystemError,
    ),
    (
        451,
        "account service is temporarily unavailable",
        Reason::TooManyConn,
    ),
    (452, "too many recipients", Reason::TooManyConn),
    (550, "exceeding outbound thread limit", Reason::TooManyConn),
    (501, "invalid address", Reason::UserUnknown),
    (503, "user unknown", Reason::UserUnknown),
    (550, "invalid recipient", Reason::UserUnknown),
];

/// Cox's `AUP#` codes.
const COX_CODES: &[(&str, Reason)] = &[
    ("CXBL", Reason::Blocked),
    ("CXDNS", Reason::RequirePtr),
    ("CXSNDR", Reason::AuthFailure),
    ("CXSMTP", Reason::Rejected),
    ("CXCNCT", Reason::TooManyConn),
    ("CXMXRT", Reason::TooManyConn),
    ("CDRBL", Reason::Blocked),
    ("CXTHRT", Reason::SecurityError),
    ("CXMJ", Reason::SecurityError),
    ("IPBL", Reason::Blocked),
    ("URLBL", Reason::SpamDetected),
];

/// Spectrum's `AUP#` number ranges (https://www.spectrumbusiness.net/support/internet/
/// understanding-email-error-codes).
const SPECTRUM_CODES: &[(u16, u16, Reason)] = &[
    (1000, 1000, Reason::Blocked),
    (1010, 1010, Reason::Rejected),
    (1020, 1080, Reason::Rejected),
    (1090, 1090, Reason::SystemError),
    (1100, 1150, Reason::RequirePtr),
    (1160, 1190, Reason::PolicyViolation),
    (1200, 1250, Reason::Blocked),
    (1260, 1260, Reason::NetworkError),
    (1300, 1340, Reason::TooManyConn),
    (1350, 1490, Reason::Speeding),
    (1500, 1520, Reason::Rejected),
    (1530, 1530, Reason::MesgTooBig),
    (1540, 1550, Reason::Speeding),
    (1560, 1560, Reason::PolicyViolation),
    (1580, 1580, Reason::Speeding),
];

/// Facebook's response codes (https://www.facebook.com/postmaster/response_codes).
const FACEBOOK_CODES: &[(&str, Reason)] = &[
    ("POL-P7", Reason::AuthFailure),
    ("POL-P1", Reason::Blocked),
    ("POL-P2", Reason::Blocked),
    ("POL-P3", Reason::Blocked),
    ("POL-P4", Reason::Blocked),
    ("POL-T1", Reason::Blocked),
    ("POL-T2", Reason::Blocked),
    ("POL-T3", Reason::Blocked),
    ("MSG-P2", Reason::ContentError),
    ("RCP-P2", Reason::Filtered),
    ("RCP-P3", Reason::Filtered),
    ("MSG-P1", Reason::MesgTooBig),
    ("INT-P2", Reason::MesgTooBig),
    ("MSG-P3", Reason::NotCompliantRfc),
    ("DNS-P1", Reason::Rejected),
    ("DNS-P2", Reason::Rejected),
    ("DNS-T1", Reason::Rejected),
    ("DNS-P3", Reason::RequirePtr),
    ("DNS-T2", Reason::RequirePtr),
    ("POL-P6", Reason::SpamDetected),
    ("RCP-T4", Reason::Suspend),
    ("RCP-T1", Reason::SystemError),
    ("CON-T1", Reason::TooManyConn),
    ("CON-T2", Reason::TooManyConn),
    ("CON-T3", Reason::TooManyConn),
    ("CON-T4", Reason::TooManyConn),
    ("MSG-T1", Reason::TooManyConn),
    ("RCP-P1", Reason::UserUnknown),
    ("INT-P1", Reason::UserUnknown),
    ("INT-P3", Reason::UserUnknown),
    ("INT-P4", Reason::UserUnknown),
    ("POL-P5", Reason::VirusDetected),
];

/// Google's (Gmail, Google Workspace MX) documented replies: reply code, status code and a
/// wording. A reply matches when its wording is in the text and the reply code and the status
/// code agree with the listed ones, the class digit aside (`550` matches `450`, `5.7.1` matches
/// `4.7.1`). From Sisimai's `lib/Sisimai/Rhost/Google.pm` and `rhost/for-google.go`
/// (BSD 2-Clause, azumakuniyuki and sisimai development team), after Google's "SMTP error
/// reference" (<https://support.google.com/a/answer/3726730>); re-expressed as data.
const GOOGLE: &[(u16, &str, &str, Reason)] = &[
    (
        451,
        "4.7.24",
        "the spf record of the sending domain",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.24",
        "the spf record of the sending domain",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.26",
        "senders to authenticate with either spf or dkim",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.26",
        "senders to authenticate with either spf or dkim",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.26",
        "fails to pass spf checks for an spf record with a hard fail",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.26",
        "has an spf record with a hard fail policy",
        Reason::AuthFailure,
    ),
    (
        451,
        "4.7.26",
        "is not accepted due to domain's dmarc policy",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.26",
        "is not accepted due to domain's dmarc policy",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.1",
        "fails to pass authentication checks",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.26",
        "fails to pass authentication checks",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.27",
        "senders to authenticate with spf",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.27",
        "senders to authenticate their email with spf",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.27",
        "senders to authenticate with spf",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.30",
        "senders to authenticate their email with dkim",
        Reason::AuthFailure,
    ),
    (
        550,
        "5.7.30",
        "senders to authenticate with dkim",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.32",
        "aligned with either the authenticated spf or dkim",
        Reason::AuthFailure,
    ),
    (
        421,
        "5.7.32",
        "aligned with either the authenticated spf or dkim",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.40",
        "to add a dmarc record to ",
        Reason::AuthFailure,
    ),
    (
        421,
        "4.7.0",
        "very low reputation of the sending ip address",
        Reason::BadReputation,
    ),
    (
        421,
        "4.7.0",
        "very low reputation of the sending domain",
        Reason::BadReputation,
    ),
    (
        550,
        "5.7.1",
        "due to the very low reputation of the sending ip address",
        Reason::BadReputation,
    ),
    (
        550,
        "5.7.1",
        "due to the very low reputation of the sending domain",
        Reason::BadReputation,
    ),
    (
        421,
        "4.7.0",
        "ip not in whitelist for rcpt domain",
        Reason::Blocked,
    ),
    (
        421,
        "4.7.0",
        "try again later, closing connection.",
        Reason::Blocked,
    ),
    (
        501,
        "5.5.4",
        "empty helo/ehlo argument not allowed",
        Reason::Blocked,
    ),
    (
        501,
        "5.5.4",
        "helo/ehlo argument is invalid",
        Reason::Blocked,
    ),
    (
        421,
        "4.7.0",
        "an unusual rate of unsolicited mail",
        Reason::Blocked,
    ),
    (421, "4.7.28", "an unusual rate of mail", Reason::Blocked),
    (
        550,
        "5.7.1",
        "an unusual rate of unsolicited mail",
        Reason::Blocked,
    ),
    (
        550,
        "5.7.28",
        "an unusual rate of unsolicited mail",
        Reason::Blocked,
    ),
    (
        552,
        "5.3.4",
        "exceeded google's message size limits",
        Reason::MesgTooBig,
    ),
    (
        552,
        "5.3.4",
        "exceeds google's message size limit of",
        Reason::MesgTooBig,
    ),
    (
        552,
        "5.2.3",
        "exceeded google's message size limits",
        Reason::ExceedLimit,
    ),
    (
        552,
        "5.3.4",
        "exceeds google's limit of limit attachments.",
        Reason::ExceedLimit,
    ),
    (
        552,
        "5.3.4",
        "your message exceeded google's message header size limits",
        Reason::ExceedLimit,
    ),
    (
        552,
        "5.3.4",
        "bytes per individual header size",
        Reason::ExceedLimit,
    ),
    (
        552,
        "5.3.4",
        "exceeds google's header name limit of",
        Reason::ExceedLimit,
    ),
    (
        552,
        "5.3.4",
        "exceeds google's message header size limit",
        Reason::ExceedLimit,
    ),
    (421, "4.7.0", "connection expired", Reason::Expired),
    (
        451,
        "4.4.2",
        "timeout - closing connection",
        Reason::Expired,
    ),
    (
        530,
        "5.7.0",
        "must issue a starttls command first",
        Reason::FailedStartTls,
    ),
    (
        454,
        "5.5.1",
        "starttls may not be repeated",
        Reason::FailedStartTls,
    ),
    (
        421,
        "4.7.0",
        "tls required for rcpt domain",
        Reason::FailedStartTls,
    ),
    (
        421,
        "4.7.29",
        "senders to use tls/ssl for smtp",
        Reason::FailedStartTls,
    ),
    (
        550,
        "5.7.29",
        "senders to use tls/ssl for smtp",
        Reason::FailedStartTls,
    ),
    (
        452,
        "4.2.2",
        "inbox is out of storage space",
        Reason::MailboxFull,
    ),
    (
        552,
        "5.2.2",
        "inbox is out of storage space and inactive",
        Reason::MailboxFull,
    ),
    (452, "4.2.2", "is over quota", Reason::MailboxFull),
    (552, "5.2.2", "is over quota", Reason::MailboxFull),
    (550, "5.7.1", "email quota exceeded", Reason::MailboxFull),
    (
        554,
        "5.4.6",
        "message exceeded 50 hops",
        Reason::NetworkError,
    ),
    (
        554,
        "5.6.0",
        "message exceeded 50 hops",
        Reason::NetworkError,
    ),
    (550, "5.7.0", "mail relay denied", Reason::NoRelaying),
    (
        550,
        "5.7.1",
        "invalid credentials for relay",
        Reason::NoRelaying,
    ),
    (
        550,
        "5.7.1",
        "is not authorized to send email directly to our servers",
        Reason::NoRelaying,
    ),
    (
        550,
        "5.7.1",
        "missing a valid address in the from: header",
        Reason::NotCompliantRfc,
    ),
    (
        550,
        "5.7.1",
        "multiple addresses in from: header are not accepted",
        Reason::NotCompliantRfc,
    ),
    (
        550,
        "5.7.1",
        "is not rfc 5322 compliant",
        Reason::NotCompliantRfc,
    ),
    (
        550,
        "5.7.1",
        "missing a valid message-id: header",
        Reason::NotCompliantRfc,
    ),
    (
        550,
        "5.7.1",
        "contains a unicode character in a disallowed header",
        Reason::NotCompliantRfc,
    ),
    (
        550,
        "5.7.1",
        "encoded-word syntax is not permitted",
        Reason::NotCompliantRfc,
    ),
    (
        553,
        "5.1.7",
        "is not a valid rfc 5321 address",
        Reason::NotCompliantRfc,
    ),
    (
        554,
        "5.6.0",
        "mail message is malformed",
        Reason::NotCompliantRfc,
    ),
    (
        552,
        "5.7.0",
        "illegal attachment on your message",
        Reason::PolicyViolation,
    ),
    (
        552,
        "5.7.0",
        "blocked because its content presents a potential security issue",
        Reason::PolicyViolation,
    ),
    (
        550,
        "5.7.1",
        "you are sending to (or from) has a policy that prohibited",
        Reason::PolicyViolation,
    ),
    (
        421,
        "4.7.28",
        "sending messages with the same message-id:",
        Reason::PolicyViolation,
    ),
    (550, "5.7.0", "mail sending denied", Reason::Rejected),
    (
        550,
        "5.7.1",
        "unauthenticated email is not accepted",
        Reason::Rejected,
    ),
    (
        421,
        "4.7.0",
        "does not have a ptr record",
        Reason::RequirePtr,
    ),
    (
        421,
        "4.7.23",
        " have a ptr record, or the ptr record",
        Reason::RequirePtr,
    ),
    (
        550,
        "5.7.1",
        "does not meet ipv6 sending guidelines regarding ptr records and authentication",
        Reason::RequirePtr,
    ),
    (
        550,
        "5.7.25",
        "does not have a ptr record",
        Reason::RequirePtr,
    ),
    (
        550,
        "5.7.25",
        "does not match the ip address of the hostname",
        Reason::RequirePtr,
    ),
    (
        454,
        "4.7.0",
        "too many login attempts",
        Reason::SecurityError,
    ),
    (
        501,
        "5.5.2",
        "cannot decode response",
        Reason::SecurityError,
    ),
    (
        503,
        "5.7.0",
        "no identity changes permitted",
        Reason::SecurityError,
    ),
    (
        530,
        "5.5.1",
        "authentication required.",
        Reason::SecurityError,
    ),
    (
        530,
        "5.7.0",
        "authentication required.",
        Reason::SecurityError,
    ),
    (
        535,
        "5.7.1",
        "application-specific password required",
        Reason::SecurityError,
    ),
    (
        535,
        "5.7.9",
        "application-specific password required",
        Reason::SecurityError,
    ),
    (
        535,
        "5.7.1",
        "please log in with your web browser",
        Reason::SecurityError,
    ),
    (
        534,
        "5.7.9",
        "please log in with your web browser",
        Reason::SecurityError,
    ),
    (
        534,
        "5.7.14",
        "please log in through your web browser",
        Reason::SecurityError,
    ),
    (
        535,
        "5.7.1",
        "username and password not accepted",
        Reason::SecurityError,
    ),
    (
        535,
        "5.7.8",
        "username and password not accepted",
        Reason::SecurityError,
    ),
    (
        421,
        "4.7.0",
        "due to the nature of the content or the links within",
        Reason::SpamDetected,
    ),
    (
        550,
        "5.7.1",
        "likely unsolicited mail",
        Reason::SpamDetected,
    ),
    (
        450,
        "4.2.1",
        "is receiving mail too quickly",
        Reason::Speeding,
    ),
    (
        450,
        "4.2.1",
        "peak smtp relay limit exceeded for customer",
        Reason::Speeding,
    ),
    (
        450,
        "4.2.1",
        "rate that prevents additional messages from being delivered",
        Reason::Speeding,
    ),
    (
        550,
        "5.2.1",
        "rate that prevents additional messages from being delivered",
        Reason::Speeding,
    ),
    (
        550,
        "5.4.5",
        "daily sending quota exceeded",
        Reason::Speeding,
    ),
    (
        550,
        "5.4.5",
        "daily user sending limit exceeded",
        Reason::Speeding,
    ),
    (
        550,
        "5.4.5",
        "daily smtp relay limit exceeded for",
        Reason::Speeding,
    ),
    (
        550,
        "5.7.1",
        "daily smtp relay limit exceeded for",
        Reason::Speeding,
    ),
    (
        550,
        "5.7.1",
        "daily smtp relay sending limit exceeded for",
        Reason::Speeding,
    ),
    (
        550,
        "5.7.1",
        "this mail has been rate limited",
        Reason::Speeding,
    ),
    (
        550,
        "5.2.1",
        "account that you tried to reach is disabled",
        Reason::Suspend,
    ),
    (
        550,
        "5.2.1",
        "account that you tried to reach is inactive",
        Reason::Suspend,
    ),
    (451, "4.5.0", "smtp protocol violation", Reason::SyntaxError),
    (454, "4.5.0", "smtp protocol violation", Reason::SyntaxError),
    (
        525,
        "5.7.10",
        "smtp protocol violation",
        Reason::SyntaxError,
    ),
    (
        535,
        "5.5.4",
        "optional argument not permitted",
        Reason::SyntaxError,
    ),
    (501, "5.7.11", "syntax error", Reason::SyntaxError),
    (501, "5.5.2", "syntax error", Reason::SyntaxError),
    (555, "5.5.2", "syntax error", Reason::SyntaxError),
    (
        502,
        "5.5.1",
        "too many unrecognized commands, goodbye",
        Reason::SyntaxError,
    ),
    (502, "5.5.1", "unimplemented command", Reason::SyntaxError),
    (502, "5.5.1", "unrecognized command", Reason::SyntaxError),
    (
        503,
        "5.5.1",
        "bad sequence of commands",
        Reason::SyntaxError,
    ),
    (503, "5.5.1", "ehlo/helo first", Reason::SyntaxError),
    (503, "5.5.1", "mail first", Reason::SyntaxError),
    (503, "5.5.1", "rcpt first", Reason::SyntaxError),
    (503, "5.5.1", "no data after bdat", Reason::SyntaxError),
    (
        504,
        "5.7.4",
        "unrecognized authentication type",
        Reason::SyntaxError,
    ),
    (
        504,
        "5.7.4",
        "xoauth is no longer supported",
        Reason::SyntaxError,
    ),
    (
        554,
        "5.7.0",
        "too many unauthenticated commands",
        Reason::SyntaxError,
    ),
    (
        421,
        "4.3.0",
        "temporary system problem",
        Reason::SystemError,
    ),
    (
        421,
        "4.7.0",
        "temporary system problem",
        Reason::SystemError,
    ),
    (421, "4.4.5", "server busy", Reason::SystemError),
    (
        451,
        "4.3.0",
        "multiple destination domains per transaction is unsupported",
        Reason::SystemError,
    ),
    (
        451,
        "4.3.0",
        "mail server has temporarily rejected this message",
        Reason::SystemError,
    ),
    (
        451,
        "4.3.0",
        "mail server temporarily rejected message",
        Reason::SystemError,
    ),
    (
        452,
        "4.5.3",
        "domain policy size per transaction exceeded",
        Reason::SystemError,
    ),
    (
        454,
        "4.7.0",
        "cannot authenticate due to temporary system problem",
        Reason::SystemError,
    ),
    (
        452,
        "4.5.3",
        "your message has too many recipients",
        Reason::TooManyConn,
    ),
    (
        550,
        "5.5.3",
        "too many recipients for this sender",
        Reason::TooManyConn,
    ),
    (
        550,
        "5.1.1",
        "the email account that you tried to reach does not exist",
        Reason::UserUnknown,
    ),
    (
        553,
        "5.1.2",
        "we weren't able to find the recipient domain",
        Reason::UserUnknown,
    ),
    (
        553,
        "5.1.3",
        "is not a valid rfc 5321 address",
        Reason::UserUnknown,
    ),
];

/// Google Workspace's own DNS notices (the reporting server is `googlemail.com`): the wording
/// and the reason, with the condition on the status class. After Sisimai's
/// `rhost/for-gsuite.go` (BSD 2-Clause); re-expressed as data. `Some(true)`: only with a
/// permanent (5) status and reply; `Some(false)`: only when neither is permanent.
const GSUITE: &[(&str, Reason, Option<bool>)] = &[
    ("null mx", Reason::NotAccept, None),
    (
        "because the address couldn't be found. check for typos or unnecessary spaces and try again.",
        Reason::UserUnknown,
        None,
    ),
    (
        " responded with code nxdomain",
        Reason::HostUnknown,
        Some(true),
    ),
    ("domain name not found", Reason::HostUnknown, Some(true)),
    (
        " had no relevant answers.",
        Reason::NetworkError,
        Some(false),
    ),
    (
        "responded with code nxdomain",
        Reason::NetworkError,
        Some(false),
    ),
    ("domain name not found", Reason::NetworkError, Some(false)),
];

/// The service, first by the recipient's domain, then by the remote hosts.
pub fn service(destination: &str, hosts: &[&str]) -> Option<Service> {
    let destination = destination.to_ascii_lowercase();
    if !destination.is_empty() {
        for (service, endings) in HOSTS {
            // The recipient's domain is the tail of a listed host ("qq.com" of ".qq.com").
            if endings.iter().any(|e| e.ends_with(destination.as_str())) {
                return Some(*service);
            }
        }
    }
    for host in hosts {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            continue;
        }
        for (service, endings) in HOSTS {
            if endings.iter().any(|e| host.ends_with(e)) {
                return Some(*service);
            }
        }
    }
    None
}

/// The reason the service's own table gives a reply, if any.
pub fn reason(
    service: Service,
    diagnostic: &str,
    status: Option<&str>,
    command: Option<Command>,
) -> Option<Reason> {
    reason_with_reply(service, diagnostic, status, None, command)
}

/// [`reason`] with the SMTP reply code, which some services' tables key on.
pub fn reason_with_reply(
    service: Service,
    diagnostic: &str,
    status: Option<&str>,
    reply_code: Option<u16>,
    command: Option<Command>,
) -> Option<Reason> {
    if diagnostic.trim().is_empty() {
        return None;
    }
    let lower = diagnostic.to_lowercase();
    match service {
        Service::Google => {
            let (reply, status) = (reply_code?, status?);
            let status_tail = status.get(2..)?;
            return GOOGLE
                .iter()
                .find(|(r, st, text, _)| {
                    r % 100 == reply % 100
                        && (400..600).contains(&reply)
                        && st.get(2..).is_some_and(|t| t.starts_with(status_tail))
                        && lower.contains(text)
                })
                .map(|(.., r)| *r);
        }
        Service::GSuite => {
            let permanent = status.is_some_and(|s| s.starts_with('5'))
                || reply_code.is_some_and(|c| (500..600).contains(&c));
            let fully_permanent = status.is_some_and(|s| s.starts_with('5'))
                && reply_code.is_some_and(|c| (500..600).contains(&c));
            return GSUITE
                .iter()
                .find(|(text, _, class)| {
                    lower.contains(text)
                        && match class {
                            None => true,
                            Some(true) => fully_permanent,
                            Some(false) => !permanent,
                        }
                })
                .map(|(_, r, _)| *r);
        }
        Service::Microsoft => {
            let status = status?;
            let last: u16 = status.rsplit('.').next()?.parse().ok()?;
            if let Some((.., r)) = MICROSOFT.iter().find(|(code, lo, hi, text, _)| {
                let code_ok = if lo == hi {
                    *code == status
                } else {
                    status.starts_with(code) && (*lo..=*hi).contains(&last)
                };
                code_ok && lower.contains(text)
            }) {
                return Some(*r);
            }
            return OUTLOOK_CODES
                .iter()
                .find(|(code, reply, _)| diagnostic.contains(code) && reply_code == Some(*reply))
                .map(|(.., r)| *r);
        }
        Service::Mimecast => {
            let reply = reply_code?;
            return MIMECAST
                .iter()
                .find(|(code, text, _)| *code == reply && lower.contains(text))
                .map(|(.., r)| *r);
        }
        Service::GoDaddy => {
            if let Some(code) = after(diagnostic, " IB") {
                let label: String = code.chars().take_while(|c| !c.is_whitespace()).collect();
                let label = format!("IB{label}");
                if let Some((_, r)) = GODADDY_CODES.iter().find(|(c, _)| *c == label) {
                    return Some(*r);
                }
            }
            return GODADDY_PHRASES
                .iter()
                .find(|(p, _)| lower.contains(p))
                .map(|(_, r)| *r);
        }
        Service::FrancePtt => {
            let normal = lower.replace('_', "-");
            for label in ["lpn", "lpnaaa", "ofr", "ouk"] {
                let Some(at) = normal.rfind(label) else {
                    continue;
                };
                let word: String = normal[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let word = word.trim_end_matches(['.', ')', ',']);
                if let Some((_, r)) = FRANCEPTT_CODES.iter().find(|(n, _)| word.ends_with(n)) {
                    return (*r != Reason::Undefined).then_some(*r);
                }
                break;
            }
        }
        Service::Cox => {
            if let Some(code) = after(diagnostic, "AUP#") {
                let code: String = code
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if let Some((_, r)) = COX_CODES.iter().find(|(p, _)| code.starts_with(p)) {
                    return Some(*r);
                }
            }
        }
        Service::Spectrum => {
            let code: String = after(diagnostic, "AUP#")?
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            let n: u16 = code.parse().ok().filter(|_| code.len() == 4)?;
            return SPECTRUM_CODES
                .iter()
                .find(|(lo, hi, _)| (*lo..=*hi).contains(&n))
                .map(|(_, _, r)| *r);
        }
        Service::Facebook => {
            return FACEBOOK_CODES
                .iter()
                .find(|(code, _)| diagnostic.contains(code))
                .map(|(_, r)| *r);
        }
        Service::NttDocomo => match status {
            Some("5.1.1" | "5.0.911") => return Some(Reason::UserUnknown),
            Some("5.2.0") => return Some(Reason::Filtered),
            _ => {
                // Status 5.0.0: the stage tells an unknown address (`RCPT`) from a refusal of
                // the message (`DATA`, the same "Unknown user" words from the reception filter).
                if let Some(r) = phrase(service, &lower).filter(|r| *r != Reason::UserUnknown) {
                    return Some(r);
                }
                if status == Some("5.0.0") {
                    match command {
                        Some(Command::Rcpt) => return Some(Reason::UserUnknown),
                        Some(Command::Data) => return Some(Reason::Rejected),
                        _ => {}
                    }
                }
                return phrase(service, &lower);
            }
        },
        _ => {}
    }
    phrase(service, &lower)
}

fn phrase(service: Service, lower: &str) -> Option<Reason> {
    PHRASES
        .iter()
        .filter(|(s, _, _)| *s == service)
        .find(|(_, _, phrases)| phrases.iter().any(|p| lower.contains(p)))
        .map(|(_, r, _)| *r)
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker)
        .and_then(|at| text.get(at + marker.len()..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_and_codes() {
        assert_eq!(service("qq.com", &[]), Some(Service::Tencent));
        assert_eq!(service("example.jp", &["mx1.cox.net"]), Some(Service::Cox));
        assert_eq!(service("example.jp", &["mx.example.jp"]), None);
        assert_eq!(
            reason(
                Service::Spectrum,
                "554 5.7.1 Rejected AUP#1310 connections",
                None,
                None
            ),
            Some(Reason::TooManyConn)
        );
        assert_eq!(
            reason(Service::Cox, "554 cox.net rejected AUP#CXBL", None, None),
            Some(Reason::Blocked)
        );
        assert_eq!(
            service("example.jp", &["mail-x.eur.prod.outlook.com"]),
            Some(Service::Microsoft)
        );
        assert_eq!(
            reason(
                Service::Microsoft,
                "550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
                Some("5.7.606"),
                None
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(
            reason(
                Service::FrancePtt,
                "550 5.5.0 Service refuse. LPN007_510",
                Some("5.5.0"),
                None
            ),
            Some(Reason::Blocked)
        );
        assert_eq!(
            reason_with_reply(
                Service::GoDaddy,
                "554 RBL Reject. IB104 see it",
                None,
                Some(554),
                None
            ),
            Some(Reason::Blocked)
        );
    }

    #[test]
    fn google_and_workspace_tables() {
        let d = "550 5.7.1 This message does not have authentication information or fails to pass authentication checks.";
        assert_eq!(
            reason_with_reply(Service::Google, d, Some("5.7.1"), Some(550), None),
            Some(Reason::AuthFailure)
        );
        // The class digit aside: a temporary variant of a listed reply.
        let d = "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.";
        assert_eq!(
            reason_with_reply(Service::Google, d, Some("4.2.1"), Some(450), None),
            Some(Reason::Speeding)
        );
        assert_eq!(
            reason_with_reply(Service::Google, d, Some("4.2.1"), None, None),
            None
        );
        let dns = "DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN Domain name not found: example.jp";
        assert_eq!(
            service("example.jp", &["googlemail.com"]),
            Some(Service::GSuite)
        );
        assert_eq!(
            reason_with_reply(Service::GSuite, dns, Some("4.0.0"), None, None),
            Some(Reason::NetworkError)
        );
        assert_eq!(
            reason_with_reply(Service::GSuite, dns, Some("5.1.2"), Some(550), None),
            Some(Reason::HostUnknown)
        );
    }
}
