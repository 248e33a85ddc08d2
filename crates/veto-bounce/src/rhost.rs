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
    Cox,
    Facebook,
    Kddi,
    NttDocomo,
    Spectrum,
    Tencent,
    YahooInc,
}

/// Host-name endings per service.
const HOSTS: &[(Service, &[&str])] = &[
    (Service::Aol, &[".mail.aol.com", ".mx.aol.com"]),
    (Service::Cox, &["cox.net"]),
    (Service::Facebook, &[".facebook.com"]),
    (Service::Kddi, &[".ezweb.ne.jp", "msmx.au.com"]),
    (Service::NttDocomo, &["mfsmax.docomo.ne.jp"]),
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
    if diagnostic.trim().is_empty() {
        return None;
    }
    let lower = diagnostic.to_lowercase();
    match service {
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
                if let Some(r) = phrase(service, &lower) {
                    return Some(r);
                }
                if status == Some("5.0.0") {
                    return match command {
                        Some(Command::Rcpt) => Some(Reason::UserUnknown),
                        Some(Command::Data) => Some(Reason::Rejected),
                        _ => None,
                    };
                }
                return None;
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
    }
}
