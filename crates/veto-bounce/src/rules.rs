//! The classification rules: the one place that decides a recipient's [`Reason`].
//!
//! The decision follows the order that Sisimai (the open-source bounce analyser whose output
//! labels the evaluation corpus) documents for its reason classes. Its phrase lists and status
//! table are public (BSD 2-Clause, "azumakuniyuki and sisimai development team"; see
//! `reason/why-*.go`, `reason/find.go` and `smtp/status/lib.go` in `sisimai/go-sisimai`).
//! They are re-expressed here as data; no code is copied.
//!
//! For one recipient:
//!
//! 1. A reason already decided by a format reader (a vendor's own error table) stands, unless
//!    it is one of the vague reasons that are always re-examined ([`is_retried`]).
//! 2. A `2.x.x` status means delivered.
//! 3. **Probes**, in [`PROBE_ORDER`]: each reason looks at the reason the status code names
//!    ([`status_name`]), the SMTP stage, the reply code and its own phrase list
//!    ([`PHRASES`]). The first reason whose probe holds wins. ("User unknown" only counts for
//!    the address when the status says so or the refusal answered `RCPT TO`; otherwise the
//!    same words come from a filter, and the message was *filtered*.)
//! 4. **Second look** ([`SECOND_ORDER`]): when the status names no reason, or a vague one, the
//!    phrase lists of the reasons that have no probe of their own (system, network, policy,
//!    expiry …) are tried; then the status class (`X.6` content, `X.7` security), the
//!    diagnostic type (`x-unix`: the local mailer), the reply code (`5.0x`/`4.0x`: syntax),
//!    the action (`delayed`: expired) and the stage (`HELO`: blocked).
//! 5. Nothing: `onhold` when there was a diagnostic, else `undefined`.
//!
//! Phrases are lower-case; `*` inside a phrase stands for any text in between.

use crate::reason::Reason;
use crate::smtp::Command;

/// One row of the phrase table: the phrases that mean one reason.
pub struct PhraseRule {
    /// The reason the phrases mean.
    pub reason: Reason,
    /// Lower-case phrases; `*` matches any text in between.
    pub phrases: &'static [&'static str],
}

/// The phrase lists per reason (Sisimai's `IncludedIn` lists, plus a few wordings of the
/// vendors' own tables that end up in the diagnostic).
pub static PHRASES: &[PhraseRule] = &[
    PhraseRule {
        reason: Reason::MailboxFull,
        phrases: &[
            "452 insufficient disk space",
            "account disabled temporarly for exceeding receiving limits",
            "boite du destinataire pleine",
            "exceeded storage allocation",
            "full mailbox",
            "mailbox exceeds allowed size",
            "mailbox size limit exceeded",
            "mailbox would exceed maximum allowed storage",
            "mailfolder is full",
            "no space left on device",
            "not sufficient disk space",
            "quota violation for",
            "too much mail data",
            "user has exceeded quota, bouncing mail",
            "user has too many messages on the server",
            "user's space has been used up",
            "account is * quota",
            "disk*quota",
            "enough * space",
            "mailbox *exceeded* limit",
            "mailbox *full",
            "mailbox *quota",
            "maildir *quota",
            "over *quota",
            "quota *exceeded",
        ],
    },
    PhraseRule {
        reason: Reason::MesgTooBig,
        phrases: &[
            "exceeded maximum inbound message size",
            "exceeded the maximum incoming message size",
            "line limit exceeded",
            "max message size exceeded",
            "message file too big",
            "message length exceeds administrative limit",
            "message size exceeds fixed limit",
            "message size exceeds fixed maximum message size",
            "message size exceeds maximum value",
            "message too big",
            "message too large for this ",
            "size limit",
            "taille limite du message atteinte",
        ],
    },
    PhraseRule {
        reason: Reason::ExceedLimit,
        phrases: &["message header size exceeds limit", "message too large"],
    },
    PhraseRule {
        reason: Reason::Suspend,
        phrases: &[
            " is currently suspended",
            " temporary locked",
            "archived recipient",
            "boite du destinataire archivee",
            "email account that you tried to reach is disabled",
            "has been suspended",
            "inactive account",
            "invalid/inactive user",
            "is a deactivated mailbox",
            "is unavailable: user is terminated",
            "mailbox currently suspended",
            "mailbox disabled",
            "mailbox is frozen",
            "mailbox unavailable or access denied",
            "recipient rejected: temporarily inactive",
            "recipient suspend the service",
            "the email account that you tried to reach is inactive",
            "this account has been disabled or discontinued",
            "this account has been temporarily suspended",
            "this address no longer accepts mail",
            "this mailbox is disabled",
            "user or domain is disabled",
            "user suspended",
            "vdelivermail: account is locked email bounced",
        ],
    },
    PhraseRule {
        reason: Reason::HasMoved,
        phrases: &[" has been replaced by "],
    },
    PhraseRule {
        reason: Reason::NoRelaying,
        phrases: &[
            "as a relay",
            "email address is not verified.",
            "insecure mail relay",
            "is not permitted to relay through this server without authentication",
            "mail server requires authentication when attempting to send to a non-local e-mail address",
            "no relaying",
            "not a gateway",
            "not allowed to relay through this machine",
            "not an open relay, so get lost",
            "not local host",
            "relay access denied",
            "relay denied",
            "relay not permitted",
            "relaying denied",
            "relaying mail to ",
            "specified domain is not allowed",
            "that domain isn't in my list of allowed rcpthost",
            "this system is not configured to relay mail",
            "unable to relay ",
            "we don't handle mail for",
        ],
    },
    PhraseRule {
        reason: Reason::AuthFailure,
        phrases: &[
            "//spf.pobox.com",
            "bad spf records for",
            "dmarc policy",
            "doesn't meet the required authentication level",
            "please inspect your spf settings",
            "sender policy framework (spf) fail",
            "sender policy framework violation",
            "spf (sender policy framework) domain authentication fail",
            "spf check: fail",
            "the 5322.from address doesn't meet the authentication requirements defined for the sender",
            " is not allowed to send mail.*_401",
            "is not allowed to send from <* per it's spf record",
        ],
    },
    PhraseRule {
        reason: Reason::UserUnknown,
        phrases: &[
            "#5.1.1 bad address",
            "550 address invalid",
            "5.1.0 address rejected.",
            "address does not exist",
            "address not present in directory",
            "address unknown",
            "can't accept user",
            "does not exist.",
            "destination addresses were unknown",
            "destination server rejected recipients",
            "email address does not exist",
            "email address could not be found",
            "invalid address",
            "invalid mailbox",
            "invalid mailbox path",
            "invalid recipient",
            "is not a known user",
            "is not a valid mailbox",
            "is not an active address at this host",
            "mailbox does not exist",
            "mailbox invalid",
            "mailbox is inactive",
            "mailbox is unavailable",
            "mailbox not present",
            "mailbox not found",
            "mailbox unavaiable",
            "nessun utente simile in questo indirizzo",
            "no account by that name here",
            "no existe dicha persona",
            "no existe ese usuario ",
            "no mail box available for this user",
            "no mailbox by that name is currently available",
            "no mailbox found",
            "no such address here",
            "no such mailbox",
            "no such person at this address",
            "no such recipient",
            "no such user",
            "no thank you rejected: account unavailable",
            "no valid recipients, bye",
            "not a valid recipient",
            "not a valid user here",
            "not a local address",
            "not email addresses",
            "recipient address rejected. (in reply to rcpt to command)",
            "recipient address rejected: access denied",
            "recipient address rejected: invalid user",
            "recipient address rejected: invalid-recipient",
            "recipient address rejected: unknown user",
            "recipient address rejected.",
            "recipient address rejected: userunknown",
            "recipient does not exist",
            "recipient is not accepted",
            "recipient is not local",
            "recipient not exist",
            "recipient not found",
            "recipient not ok",
            "recipient refuses to accept your mail",
            "recipient unknown",
            "requested action not taken: mailbox unavailable",
            "resolver.adr.recipient notfound",
            "sorry, user unknown",
            "sorry, badrcptto",
            "sorry, no mailbox here by that name",
            "sorry, your envelope recipient has been denied",
            "that domain or user isn't in my list of allowed rcpthosts",
            "the email account that you tried to reach does not exist",
            "the following recipients was undeliverable",
            "the user's email name is not found",
            "there is no one at this address",
            "this address no longer accepts mail",
            "this email address is wrong or no longer valid",
            "this recipient is in my badrecipientto list",
            "this recipient is not in my validrcptto list",
            "this spectator does not exist",
            "unknown mailbox",
            "unknown recipient",
            "unknown user",
            "user does not exist",
            "user missing home directory",
            "user not active",
            "user not exist",
            "user not found",
            "user not known",
            "user unknown",
            "utilisateur inconnu !",
            "vdeliver: invalid or unknown virtual user",
            "weil die adresse nicht gefunden wurde oder keine e-mails empfangen kann",
            "your envelope recipient is in my badrcptto list",
            "<*> not found",
            "<*>... blocked by ",
            "account * does not exist at the organization",
            "adresse d au moins un destinataire invalide. invalid recipient.*416",
            "adresse d au moins un destinataire invalide. invalid recipient.*418",
            "bad*recipient",
            "mailbox *does not exist",
            "mailbox *unavailable or access denied",
            "no * in name directory",
            "non*existent user",
            "rcpt <* does not exist",
            "rcpt (*t exist ",
            "recipient * was not found in",
            "recipient address rejected: user *  does not exist",
            "recipient address rejected: user unknown in *  table",
            "said: 550*5.1.1 * user unknown ",
            "this user doesn't have a * account",
            "unknown e*mail address",
            "unknown local*part",
            "user * was not found",
            "user * does not exist",
            "user (*) unknown",
        ],
    },
    PhraseRule {
        reason: Reason::Filtered,
        phrases: &[
            "account is protected by",
            "bounced address",
            "has restricted sms e-mail",
            "is not accepting any mail",
            "message filtered",
            "message rejected due to user rules",
            "not found recipient account",
            "recipient id refuse to receive mail",
            "recipient is only accepting mail from specific email addresses",
            "refused due to recipient preferences",
            "user not found",
            "user refuses to receive this mail",
            "user reject",
            "you have been blocked by the recipient",
        ],
    },
    PhraseRule {
        reason: Reason::RequirePtr,
        phrases: &[
            "access denied. ip name lookup failed",
            "all mail servers must have a ptr record with a valid reverse dns entry",
            "bad dns ptr resource record",
            "cannot find your hostname",
            "cannot resolve your address.",
            "client host rejected: cannot find your hostname",
            "fix reverse dns for ",
            "ips with missing ptr records",
            "no ptr record found.",
            "please get a custom reverse dns name from your isp for your host",
            "ptr record setup",
            "reverse dns failed",
            "reverse dns required",
            "sender ip reverse lookup rejected",
            "the ip address sending this message does not have a ptr record setup",
            "the corresponding forward dns entry does not point to the sending ip",
            "this system will not accept messages from servers/devices with no reverse dns",
            "unresolvable relay host name",
            "we do not accept mail from hosts with dynamic ip or generic dns ptr-records",
            "domain * mismatches client ip",
            "dns lookup failure: * try again later",
            "reverse dns lookup for host * failed permanently",
            "server access * forbidden by invalid rdns record of your mail server",
            "service permits * unverifyable sending ips",
        ],
    },
    PhraseRule {
        reason: Reason::NotCompliantRfc,
        phrases: &[
            "duplicate header",
            "this message is not rfc 5322 compliant",
            "https://support.google.com/mail/?p=rfcmessagenoncompliant",
            " multiple * header",
        ],
    },
    PhraseRule {
        reason: Reason::BadReputation,
        phrases: &[
            "a poor email reputation score",
            "has been temporarily rate limited due to ip reputation",
            "ip/domain reputation problems",
            "likely suspicious due to the very low reputation",
            "none/bad reputation",
            "temporarily deferred due to unexpected volume or user complaints",
            "the sending mta's poor reputation",
        ],
    },
    PhraseRule {
        reason: Reason::ContentError,
        phrases: &[
            "duplicate header",
            "header size exceeds maximum permitted",
            "improper use of 8-bit data in message header",
            "message header size, or recipient list, exceeds policy limit",
            "message mime complexity exceeds the policy maximum",
            "routing loop detected -- too many received: headers",
            "this message contain invalid mime headers",
            "this message contain improperly-formatted binary content",
            "this message contain text that uses unnecessary base64 encoding",
        ],
    },
    PhraseRule {
        reason: Reason::Rejected,
        phrases: &[
            "access denied (in reply to mail from command)",
            "access denied (sender blacklisted)",
            "address rejected",
            "administrative prohibition",
            "batv failed to verify",
            "batv validation failure",
            "backscatter protection detected an invalid or expired email address",
            "because the sender isn't on the recipient's list of senders to accept mail from",
            "bogus mail from",
            "can't determine purported responsible address",
            "connections not accepted from servers without a valid sender domain",
            "denied [bouncedeny]",
            "denied by secumail valid-address-filter",
            "delivery not authorized, message refused",
            "does not exist e2110",
            "domain of sender address ",
            "email address is on senderfilterconfig list",
            "emetteur invalide",
            "empty envelope senders not allowed",
            "envelope blocked - ",
            "error: no third-party dsns",
            "from: domain is invalid. please provide a valid from:",
            "fully qualified email address required",
            "invalid domain, see <url:",
            "invalid sender",
            "is not a registered gateway user",
            "mail from not owned by user",
            "message rejected: email address is not verified",
            "mx records for ",
            "null sender is not allowed",
            "recipient addresses rejected : access denied",
            "recipient not accepted. (batv: no tag",
            "returned mail not accepted here",
            "rfc 1035 violation: recursive cname records for",
            "rule imposed mailbox access for",
            "sending this from a different address or alias using the ",
            "sender address has been blacklisted",
            "sender email address rejected",
            "sender is in my black list",
            "sender is spammer",
            "sender not pre-approved",
            "sender rejected",
            "sender domain is empty",
            "sender verify failed",
            "sender was rejected",
            "spam reporting address",
            "syntax error: empty email address",
            "the message has been rejected by batv defense",
            "this server does not accept mail from",
            "transaction failed unsigned dsn for",
            "unroutable sender address",
            "you are not allowed to post to this mailing list",
            "you are sending to/from an address that has been blacklisted",
            "your access to submit messages to this e-mail system has been rejected",
            "your email address has been blacklisted",
        ],
    },
    PhraseRule {
        reason: Reason::HostUnknown,
        phrases: &[
            "domain does not exist",
            "domain is not reachable",
            "domain must exist",
            "host or domain name not found",
            "host unknown",
            "host unreachable",
            "mail domain mentioned in email address is unknown",
            "name or service not known",
            "no such domain",
            "recipient address rejected: unknown domain name",
            "recipient domain must exist",
            "the account or domain may not exist",
            "unknown host",
            "unroutable address",
            "unrouteable address",
            "553 * does not exist",
        ],
    },
    PhraseRule {
        reason: Reason::SpamDetected,
        phrases: &[
            " - spam",
            "//www.spamhaus.org/help/help_spam_16.htm",
            "//dsbl.org/help/help_spam_16.htm",
            "//mail.163.com/help/help_spam_16.htm",
            "554 5.7.0 reject, id=",
            "appears to be unsolicited",
            "blacklisted url in message",
            "block for spam",
            "blocked by policy: no spam please",
            "blocked by spamassassin",
            "blocked for abuse. see http://att.net/blocks",
            "cannot be forwarded because it was detected as spam",
            "considered unsolicited bulk e-mail (spam) by our mail filters",
            "content filter rejection",
            "cyberoam anti spam engine has identified this email as a bulk email",
            "denied due to spam list",
            "high probability of spam",
            "is classified as spam and is rejected",
            "listed in work.drbl.imedia.ru",
            "the mail server detected your message as spam and has prevented delivery.",
            "mail appears to be unsolicited",
            "mail content denied",
            "may consider spam",
            "message considered as spam or virus",
            "message contains spam or virus",
            "message content rejected",
            "message detected as spam",
            "message filtered",
            "message filtered. please see the faqs section on spam",
            "message filtered. refer to the troubleshooting page at ",
            "message looks like spam",
            "message is being rejected as it seems to be a spam",
            "message refused by mailmarshal spamprofiler",
            "message refused by trustwave seg spamprofiler",
            "message rejected as spam",
            "message rejected because of unacceptable content",
            "message rejected due to suspected spam content",
            "message rejected for policy reasons",
            "message was rejected for possible spam/virus content",
            "our email server thinks this email is spam",
            "our system has detected that this message is ",
            "probable spam",
            "reject bulk.advertising",
            "rejected: spamassassin score ",
            "rejected - bulk email",
            "rejecting banned content",
            "rejecting mail content",
            "related to content with spam-like characteristics",
            "sender domain listed at ",
            "sending address not accepted due to spam filter",
            "spam blocked",
            "spam check",
            "spam content matched",
            "spam detected",
            "spam email",
            "spam email not accepted",
            "spam message rejected.",
            "spam not accepted",
            "spam refused",
            "spam rejection",
            "spam score ",
            "spambouncer identified spam",
            "spamming not allowed",
            "too many spam complaints",
            "too much spam.",
            "the email message was detected as spam",
            "the message has been rejected by spam filtering engine",
            "the message was rejected due to classification as bulk mail",
            "the content of this message looked like spam",
            "this message appears to be spam",
            "this message has been identified as spam",
            "this message has been scored as spam with a probability",
            "this message was classified as spam",
            "this message was rejected by recurrent pattern detection system",
            "transaction failed spam message not queued",
            "we dont accept spam",
            "your email appears similar to spam we have received before",
            "your email breaches local uribl policy",
            "your email had spam-like ",
            "your email is considered spam",
            "your email is probably spam",
            "your email was detected as spam",
            "your message as spam and has prevented delivery",
            "your message has been temporarily blocked by our filter",
            "your message has been rejected because it appears to be spam",
            "your message has triggered a spam block",
            "your message may contain the spam contents",
            "your message failed several antispam checks",
            "greylisted* please try again in",
            "mail score (* over ",
            "mail rejete. mail rejected. *506",
            "our filters rate at and above * percent probability of being spam",
            "rejected by * (spam)",
            "rejected due to spam *classification",
            "rejected due to spam *content",
            "rule imposed as * is blacklisted on",
            "spam * exceeded",
            "this message scored * spam points",
        ],
    },
    PhraseRule {
        reason: Reason::Speeding,
        phrases: &[
            "mail sent from your ip address has been temporarily rate limited",
            "please try again slower",
            "receiving mail at a rate that prevents additional messages from being delivered",
        ],
    },
    PhraseRule {
        reason: Reason::TooManyConn,
        phrases: &[
            "all available ips are at maximum connection limit",
            "connection rate limit exceeded",
            "exceeds per-domain connection limit for",
            "has exceeded the max emails per hour ",
            "throttling failure: daily message quota exceeded",
            "throttling failure: maximum sending rate exceeded",
            "too many connections",
            "too many concurrent smtp connections",
            "too many errors from your ip",
            "too many recipients",
            "too many smtp sessions for this host",
            "trop de connexions, ",
            "we have already made numerous attempts to deliver this message",
        ],
    },
    PhraseRule {
        reason: Reason::Blocked,
        phrases: &[
            " said: 550 blocked",
            "veuillez essayer plus tard. service refused, please try later. *103",
            "veuillez essayer plus tard. service refused, please try later. *510",
            "//www.spamcop.net/bl.",
            "bad sender ip address",
            "banned sending ip",
            "blacklisted by",
            "blocked using ",
            "blocked - see http",
            "dnsbl:attrbl",
            "client host rejected: abus detecte gu_eib_02",
            "client host rejected: abus detecte gu_eib_04",
            "client host rejected: may not be mail exchanger",
            "client host rejected: was not authenticated",
            "confirm this mail server",
            "connection dropped",
            "connection refused by",
            "connection reset by peer",
            "connection was dropped by remote host",
            "connections not accepted from ip addresses on spamhaus xbl",
            "currently sending spam see: ",
            "domain does not exist:",
            "dynamic/zombied/spam ips blocked",
            "error: no valid recipients from ",
            "esmtp not accepting connections",
            "extreme bad ip profile",
            "go away",
            "helo command rejected:",
            "host network not allowed",
            "hosts with dynamic ip",
            "invalid ip for sending mail of domain",
            "is in a black list",
            "is not allowed to send mail from",
            "mailfrom domain is listed in spamhaus",
            "no access from mail server",
            "no matches to nameserver query",
            "not currently accepting mail from your ip",
            "part of their network is on our block list",
            "please use the smtp server of your isp",
            "refused - see http",
            "rejected - multi-blacklist",
            "rejected because the sending mta or the sender has not passed validation",
            "rejecting open proxy",
            "sender ip address rejected",
            "server access forbidden by your ip ",
            "service not available, closing transmission channel",
            "smtp error from remote mail server after initial connection:",
            "sorry, that domain isn't in my list of allowed rcpthosts",
            "sorry, your remotehost looks suspiciously like spammer",
            "temporarily deferred due to unexpected volume or user complaints",
            "to submit messages to this e-mail system has been rejected",
            "too many spams from your ip",
            "too many unwanted messages have been sent from the following ip address above",
            "was blocked by ",
            "we do not accept mail from dynamic ips",
            "you are not allowed to connect",
            "you are sending spam",
            "your ip address is listed in the rbl",
            "your network is temporary blacklisted",
            "your server requires confirmation",
            "(*@*:blocked)",
            "access from ip address * blocked",
            "client host * blocked using",
            "connections will not be accepted from * because the ip is in spamhaus's list",
            "dnsbl:rbl *>_is_blocked",
            "email blocked by *.barracudacentral.org",
            "email blocked by *spamhaus",
            "host * refused to talk to me: * blocked",
            "ip * is blocked by earthlink",
            "is in an *rbl on ",
            "mail server at * is blocked",
            "mail from * refused:",
            "mail from * refused, see * orbs",
            "message from * rejected based on blacklist",
            "messages from * temporarily deferred due to user complaints",
            "server ip * listed as abusive",
            "sorry! your ip address* is blocked by rbl",
            "the domain * is blacklisted",
            "the email * is blacklisted",
            "the ip* is blacklisted",
            "veuillez essayer plus tard. service refused, please try later. *103",
            "veuillez essayer plus tard. service refused, please try later. *510",
            "your access ip* has been rejected",
            "your sender's ip address is listed at *.abuseat.org",
        ],
    },
    PhraseRule {
        reason: Reason::VirusDetected,
        phrases: &[
            "it has a potentially executable attachment",
            "the message was rejected because it contains prohibited virus or spam content",
            "this form of attachment has been used by recent viruses or other malware",
            "virus detected",
            "virus phishing/malicious_url detected",
            "your message was infected with a virus",
        ],
    },
    PhraseRule {
        reason: Reason::PolicyViolation,
        phrases: &[
            "an illegal attachment on your message",
            "because the recipient is not accepting mail with ",
            "by non-member to a members-only list",
            "closed mailing list",
            "denied by policy",
            "email not accepted for policy reasons",
            "email rejected due to security policies",
            "header are not accepted",
            "header error",
            "local policy violation",
            "message bounced due to organizational settings",
            "message given low priority",
            "message not accepted for policy reasons",
            "message rejected due to local policy",
            "messages with multiple addresses",
            "rejected for policy reasons",
            "protocol violation",
            "the email address used to send your message is not subscribed to this group",
            "the message was rejected by organization policy",
            "this message was blocked because its content presents a potential",
            "we do not accept messages containing images or other attachments",
            "you're using a mass mailer",
            "you have exceeded the*allowable number of posts without solving a captcha",
        ],
    },
    PhraseRule {
        reason: Reason::SystemError,
        phrases: &[
            "aliasing/forwarding loop broken",
            "can't create user output file",
            "could not load drd for domain",
            "internal error reading data",
            "internal server error: operation now in progress",
            "interrupted system call",
            "it encountered an error while being processed",
            "it would create a mail loop",
            "local configuration error",
            "local error in processing",
            "loop was found in the mail exchanger",
            "loops back to myself",
            "mail system configuration error",
            "queue file write error",
            "recipient deferred because there is no mdb",
            "remote server is misconfigured",
            "server configuration error",
            "service currently unavailable",
            "system config error",
            "temporary local problem",
            "timeout waiting for input",
            "transaction failed ",
            "unable to connect *daemon",
        ],
    },
    PhraseRule {
        reason: Reason::NetworkError,
        phrases: &[
            "could not connect and send the mail to",
            "dns records for the destination computer could not be found",
            "hop count exceeded - possible mail loop",
            "host is unreachable",
            "host name lookup failure",
            "host not found, try again",
            "mail forwarding loop for ",
            "malformed name server reply",
            "malformed or unexpected name server reply",
            "maximum forwarding loop count exceeded",
            "message looping",
            "message probably in a routing loop",
            "no route to host",
            "too many hops",
            "unable to resolve route ",
            "unrouteable mail domain",
        ],
    },
    PhraseRule {
        reason: Reason::SystemFull,
        phrases: &[
            "mail system full",
            "requested mail action aborted: exceeded storage allocation",
        ],
    },
    PhraseRule {
        reason: Reason::NotAccept,
        phrases: &[
            "does not accept mail (nullmx)",
            "host/domain does not accept mail",
            "host does not accept mail",
            "mail receiving disabled",
            "name server: .: host not found",
            "no mx record found for domain=",
            "no route for current request",
            "smtp protocol returned a permanent error",
        ],
    },
    PhraseRule {
        reason: Reason::Expired,
        phrases: &[
            "connection timed out",
            "could not find a gateway for",
            "delivery attempts will continue to be",
            "delivery expired",
            "delivery time expired",
            "failed to deliver to domain ",
            "giving up on",
            "have been failing for a long time",
            "has been delayed",
            "it has not been collected after",
            "message expired after sitting in queue for",
            "message expired, cannot connect to remote server",
            "message expired, connection refulsed",
            "message timed out",
            "retry time not reached for any host after a long failure period",
            "server did not respond",
            "this message has been in the queue too long",
            "unable to deliver message after multiple retries",
            "was not reachable within the allowed queue period",
            "your message could not be delivered for more than",
            "could not be delivered for* days",
        ],
    },
    PhraseRule {
        reason: Reason::FailedStartTls,
        phrases: &[
            "starttls is required to send mail",
            "tls required but not supported",
        ],
    },
    PhraseRule {
        reason: Reason::SecurityError,
        phrases: &[
            "account not subscribed to ses",
            "authentication credentials invalid",
            "authentication failure",
            "authentication required",
            "authentication turned on in your email client",
            "executable files are not allowed in compressed files",
            "insecure mail relay",
            "recipient address rejected: access denied",
            "sorry, you don't authenticate or the domain isn't in my list of allowed rcpthosts",
            "unauthenticated senders not allowed",
            "verification failure",
            "you are not authorized to send mail, authentication is required",
            "authentication failed; server * said: ",
            "authentification invalide*305",
            "authentification requise*402",
            "domain * is a dead domain",
            "user * is not authorized to perform ses:sendrawemail on resource",
        ],
    },
    PhraseRule {
        reason: Reason::MailerError,
        phrases: &[
            " || exit ",
            "procmail: ",
            "bin/procmail",
            "bin/maidrop",
            "command failed: ",
            "command died with status ",
            "command output:",
            "mailer error",
            "pipe to |/",
            "x-unix; ",
        ],
    },
    PhraseRule {
        reason: Reason::Delivered,
        phrases: &[
            "delivery to the following recipient(s) was successful",
            "message successfully delivered",
        ],
    },
];

/// Phrases that keep a text from meaning `rejected` although it contains "address rejected":
/// they are about the recipient or the sending IP.
const NOT_REJECTED: &[&str] = &[
    "5.1.0 address rejected",
    "recipient address rejected",
    "sender ip address rejected",
];

/// The order of the probes (first holding probe wins).
pub const PROBE_ORDER: &[Reason] = &[
    Reason::MailboxFull,
    Reason::MesgTooBig,
    Reason::ExceedLimit,
    Reason::Suspend,
    Reason::HasMoved,
    Reason::NoRelaying,
    Reason::AuthFailure,
    Reason::UserUnknown,
    Reason::Filtered,
    Reason::RequirePtr,
    Reason::NotCompliantRfc,
    Reason::BadReputation,
    Reason::ContentError,
    Reason::Rejected,
    Reason::HostUnknown,
    Reason::SpamDetected,
    Reason::Speeding,
    Reason::TooManyConn,
    Reason::Blocked,
];

/// The order of the phrase lists on the second look.
pub const SECOND_ORDER: &[Reason] = &[
    Reason::MailboxFull,
    Reason::AuthFailure,
    Reason::BadReputation,
    Reason::Speeding,
    Reason::SpamDetected,
    Reason::VirusDetected,
    Reason::PolicyViolation,
    Reason::NoRelaying,
    Reason::SystemError,
    Reason::NetworkError,
    Reason::Suspend,
    Reason::ContentError,
    Reason::SystemFull,
    Reason::NotAccept,
    Reason::Expired,
    Reason::FailedStartTls,
    Reason::SecurityError,
    Reason::Suppressed,
    Reason::MailerError,
];

/// The reason an enhanced status code names (RFC 3463, RFC 7372, RFC 7505 and Sisimai's
/// reading of them). Codes that many different refusals share (`X.0.0`, `4.7.0`, `4.3.0` …)
/// name nothing.
pub static STATUS_NAMES: &[(&str, Reason)] = &[
    ("2.1.5", Reason::Delivered),
    ("4.1.6", Reason::HasMoved),
    ("4.1.7", Reason::Rejected),
    ("4.1.8", Reason::Rejected),
    ("4.1.9", Reason::SystemError),
    ("4.2.1", Reason::Blocked),
    ("4.2.2", Reason::MailboxFull),
    ("4.2.3", Reason::ExceedLimit),
    ("4.2.4", Reason::Filtered),
    ("4.3.1", Reason::SystemFull),
    ("4.3.2", Reason::NotAccept),
    ("4.3.3", Reason::SystemError),
    ("4.3.5", Reason::SystemError),
    ("4.4.1", Reason::Expired),
    ("4.4.2", Reason::NetworkError),
    ("4.4.3", Reason::SystemError),
    ("4.4.4", Reason::NetworkError),
    ("4.4.5", Reason::SystemFull),
    ("4.4.6", Reason::NetworkError),
    ("4.4.7", Reason::Expired),
    ("4.4.8", Reason::NetworkError),
    ("4.5.3", Reason::SystemError),
    ("4.5.5", Reason::SystemError),
    ("4.6.0", Reason::ContentError),
    ("4.6.2", Reason::ContentError),
    ("4.6.5", Reason::ContentError),
    ("4.7.1", Reason::Blocked),
    ("4.7.2", Reason::Blocked),
    ("4.7.5", Reason::SecurityError),
    ("4.7.6", Reason::SecurityError),
    ("4.7.7", Reason::SecurityError),
    ("4.7.12", Reason::SecurityError),
    ("4.7.15", Reason::SecurityError),
    ("4.7.16", Reason::MesgTooBig),
    ("4.7.24", Reason::AuthFailure),
    ("4.7.25", Reason::RequirePtr),
    ("4.7.26", Reason::AuthFailure),
    ("5.1.0", Reason::UserUnknown),
    ("5.1.1", Reason::UserUnknown),
    ("5.1.2", Reason::HostUnknown),
    ("5.1.3", Reason::UserUnknown),
    ("5.1.4", Reason::Filtered),
    ("5.1.6", Reason::HasMoved),
    ("5.1.7", Reason::Rejected),
    ("5.1.8", Reason::Rejected),
    ("5.1.9", Reason::SystemError),
    ("5.1.10", Reason::NotAccept),
    ("5.2.0", Reason::Filtered),
    ("5.2.1", Reason::Filtered),
    ("5.2.2", Reason::MailboxFull),
    ("5.2.3", Reason::ExceedLimit),
    ("5.2.4", Reason::Filtered),
    ("5.3.0", Reason::SystemError),
    ("5.3.1", Reason::SystemFull),
    ("5.3.2", Reason::NotAccept),
    ("5.3.3", Reason::SystemError),
    ("5.3.4", Reason::MesgTooBig),
    ("5.3.5", Reason::SystemError),
    ("5.4.0", Reason::NetworkError),
    ("5.4.3", Reason::SystemError),
    ("5.4.4", Reason::HostUnknown),
    ("5.5.2", Reason::SyntaxError),
    ("5.5.3", Reason::TooManyConn),
    ("5.5.4", Reason::SystemError),
    ("5.5.5", Reason::SystemError),
    ("5.5.6", Reason::SyntaxError),
    ("5.6.0", Reason::ContentError),
    ("5.6.1", Reason::ContentError),
    ("5.6.2", Reason::ContentError),
    ("5.6.3", Reason::ContentError),
    ("5.6.5", Reason::ContentError),
    ("5.6.6", Reason::ContentError),
    ("5.6.7", Reason::ContentError),
    ("5.6.8", Reason::ContentError),
    ("5.6.9", Reason::ContentError),
    ("5.7.0", Reason::SecurityError),
    ("5.7.1", Reason::SecurityError),
    ("5.7.2", Reason::SecurityError),
    ("5.7.3", Reason::SecurityError),
    ("5.7.4", Reason::SecurityError),
    ("5.7.5", Reason::SecurityError),
    ("5.7.6", Reason::SecurityError),
    ("5.7.7", Reason::SecurityError),
    ("5.7.8", Reason::SecurityError),
    ("5.7.9", Reason::SecurityError),
    ("5.7.10", Reason::SecurityError),
    ("5.7.11", Reason::SecurityError),
    ("5.7.13", Reason::Suspend),
    ("5.7.14", Reason::SecurityError),
    ("5.7.15", Reason::SecurityError),
    ("5.7.16", Reason::MesgTooBig),
    ("5.7.17", Reason::HasMoved),
    ("5.7.18", Reason::HasMoved),
    ("5.7.19", Reason::SecurityError),
    ("5.7.20", Reason::AuthFailure),
    ("5.7.21", Reason::AuthFailure),
    ("5.7.22", Reason::AuthFailure),
    ("5.7.23", Reason::AuthFailure),
    ("5.7.24", Reason::AuthFailure),
    ("5.7.25", Reason::RequirePtr),
    ("5.7.26", Reason::AuthFailure),
    ("5.7.27", Reason::NotAccept),
    ("5.7.28", Reason::SpamDetected),
    ("5.7.29", Reason::AuthFailure),
    ("5.7.30", Reason::FailedStartTls),
];

/// Everything the classifier may look at for one recipient.
#[derive(Debug, Default, Clone, Copy)]
pub struct Evidence<'a> {
    /// The recipient's diagnostic (remote reply or the reporter's sentence).
    pub diagnostic: &'a str,
    /// The enhanced status code, if any.
    pub status: Option<&'a str>,
    /// The SMTP reply code, if any.
    pub reply_code: Option<u16>,
    /// The DSN `Action`, lower-cased.
    pub action: Option<&'a str>,
    /// The DSN `Diagnostic-Code` type (`smtp`, `x-unix` …).
    pub diagnostic_type: Option<&'a str>,
    /// The SMTP command the refusal answered.
    pub command: Option<Command>,
    /// A reason a format reader already decided from the vendor's own error table.
    pub preset: Option<Reason>,
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

/// Whether the lower-case `text` contains one of the phrases of `reason`.
pub fn included_in(reason: Reason, text: &str) -> bool {
    if text.is_empty() {
        return false;
    }
    if reason == Reason::Rejected && NOT_REJECTED.iter().any(|p| text.contains(p)) {
        return false;
    }
    PHRASES
        .iter()
        .filter(|r| r.reason == reason)
        .any(|r| r.phrases.iter().any(|p| phrase_matches(text, p)))
}

/// The first reason (in table order) whose phrases occur in `text` (any case).
pub fn match_text(text: &str) -> Option<Reason> {
    if text.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    PHRASES
        .iter()
        .find(|rule| rule.phrases.iter().any(|p| phrase_matches(&lower, p)))
        .map(|rule| rule.reason)
}

/// The reason a status code names, if any.
pub fn status_name(status: &str) -> Option<Reason> {
    STATUS_NAMES
        .iter()
        .find(|(code, _)| *code == status)
        .map(|(_, reason)| *reason)
}

/// Reasons that say too little to stand on their own: a reason a reader or the status code
/// gave is looked at again when it is one of these.
pub fn is_retried(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::Undefined
            | Reason::OnHold
            | Reason::SystemError
            | Reason::SecurityError
            | Reason::Expired
            | Reason::NetworkError
            | Reason::HostUnknown
            | Reason::UserUnknown
    )
}

/// Stages before the message itself was sent: a content filter cannot have spoken yet.
fn before_data(command: Option<Command>) -> bool {
    matches!(
        command,
        Some(Command::Connect | Command::Helo | Command::Mail | Command::Rcpt)
    )
}

/// Whether the probe of `reason` holds for the evidence.
fn probe(reason: Reason, ev: &Evidence<'_>, name: Option<Reason>, diag: &str) -> bool {
    if ev.preset == Some(reason) {
        return true;
    }
    let inc = |r: Reason| included_in(r, diag);
    match reason {
        Reason::MailboxFull
        | Reason::AuthFailure
        | Reason::RequirePtr
        | Reason::TooManyConn
        | Reason::Blocked
        | Reason::ExceedLimit => name == Some(reason) || inc(reason),
        Reason::MesgTooBig => match name {
            Some(Reason::MesgTooBig) => true,
            Some(Reason::ExceedLimit) => false,
            _ => inc(reason),
        },
        Reason::Suspend => ev.reply_code == Some(525) || inc(reason),
        Reason::NoRelaying => {
            !matches!(ev.command, Some(Command::Connect | Command::Helo)) && inc(reason)
        }
        Reason::UserUnknown => {
            if name == Some(Reason::UserUnknown) {
                // A 5.1.1 whose text is about relaying, a block, a full mailbox, a move, the
                // sender or a null MX is not about the address.
                ![
                    Reason::NoRelaying,
                    Reason::Blocked,
                    Reason::MailboxFull,
                    Reason::HasMoved,
                    Reason::Rejected,
                    Reason::NotAccept,
                ]
                .into_iter()
                .any(inc)
            } else {
                ev.command == Some(Command::Rcpt) && inc(Reason::UserUnknown)
            }
        }
        Reason::Filtered => {
            if name == Some(Reason::Filtered) {
                inc(Reason::UserUnknown) || inc(Reason::Filtered)
            } else {
                !before_data(ev.command) && (inc(Reason::Filtered) || inc(Reason::UserUnknown))
            }
        }
        Reason::NotCompliantRfc | Reason::BadReputation | Reason::HasMoved | Reason::Speeding => {
            inc(reason)
        }
        Reason::ContentError => {
            !probe(Reason::SpamDetected, ev, name, diag)
                && (name == Some(Reason::ContentError) || inc(reason))
        }
        Reason::Rejected => {
            if name == Some(Reason::Rejected) {
                return true;
            }
            match ev.command {
                Some(Command::Mail) => inc(reason),
                Some(Command::Data) if name != Some(Reason::UserUnknown) => inc(reason),
                _ => {
                    matches!(
                        name,
                        None | Some(
                            Reason::Undefined
                                | Reason::OnHold
                                | Reason::SecurityError
                                | Reason::SystemError
                        )
                    ) && inc(reason)
                }
            }
        }
        Reason::HostUnknown => {
            if name == Some(Reason::HostUnknown) {
                !inc(Reason::NetworkError)
            } else {
                inc(reason)
            }
        }
        Reason::SpamDetected => {
            ev.status.is_some_and(|s| !s.is_empty())
                && (name == Some(Reason::SpamDetected) || (!before_data(ev.command) && inc(reason)))
        }
        _ => inc(reason),
    }
}

/// Decides the reason for one recipient.
pub fn classify(ev: &Evidence<'_>) -> Reason {
    if let Some(p) = ev.preset
        && !is_retried(p)
    {
        return p;
    }
    let status = ev.status.unwrap_or("");
    if status.starts_with("2.") || matches!(ev.action, Some("delivered" | "relayed" | "expanded")) {
        return Reason::Delivered;
    }
    let diag = ev.diagnostic.to_lowercase();
    let name = status_name(status);
    // A recipient without a diagnostic type is taken as an SMTP one.
    let smtp_type = ev
        .diagnostic_type
        .is_none_or(|t| t.eq_ignore_ascii_case("smtp") || t.is_empty());
    if smtp_type
        && let Some(r) = PROBE_ORDER
            .iter()
            .copied()
            .find(|&r| probe(r, ev, name, &diag))
    {
        return r;
    }
    if let Some(r) = second_look(ev, name, &diag) {
        return r;
    }
    if matches!(ev.action, Some(a) if a.starts_with("delayed")) {
        return Reason::Expired;
    }
    // Nothing in the recipient's own lines: the report's prose may still say it.
    if !ev.context.is_empty() {
        let ctx = ev.context.to_lowercase();
        if let Some(r) = PROBE_ORDER
            .iter()
            .chain(SECOND_ORDER)
            .copied()
            .find(|&r| included_in(r, &ctx))
        {
            return r;
        }
    }
    // Still nothing: the broader wording table (replies the vendors' readers know).
    if let Some(r) =
        crate::wording::find(ev.diagnostic).or_else(|| crate::wording::find(ev.context))
    {
        return r;
    }
    if !ev.diagnostic.trim().is_empty() {
        Reason::OnHold
    } else {
        Reason::Undefined
    }
}

/// The second look, when the probes found nothing.
fn second_look(ev: &Evidence<'_>, name: Option<Reason>, diag: &str) -> Option<Reason> {
    if let Some(p) = ev.preset
        && !matches!(p, Reason::Undefined | Reason::OnHold)
    {
        return Some(p);
    }
    let is_smtp = ev
        .diagnostic_type
        .is_none_or(|t| t.eq_ignore_ascii_case("smtp") || t.is_empty());
    if !name.is_none_or(is_retried) && is_smtp {
        return name;
    }
    if let Some(r) = SECOND_ORDER.iter().copied().find(|&r| included_in(r, diag)) {
        return Some(r);
    }
    if name.is_some() {
        return name;
    }
    let status = ev.status.unwrap_or("");
    match status.get(..3) {
        Some("5.6" | "4.6") => return Some(Reason::ContentError),
        Some("5.7" | "4.7") => return Some(Reason::SecurityError),
        _ => {}
    }
    if ev
        .diagnostic_type
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("x-unix"))
    {
        return Some(Reason::MailerError);
    }
    if ev
        .reply_code
        .is_some_and(|c| (401..408).contains(&c) || (501..508).contains(&c))
    {
        return Some(Reason::SyntaxError);
    }
    if matches!(ev.action, Some(a) if a.starts_with("delayed") || a.starts_with("expired")) {
        return Some(Reason::Expired);
    }
    if ev.command == Some(Command::Helo) {
        return Some(Reason::Blocked);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &str) -> Reason {
        let status = crate::smtp::find_status(d);
        classify(&Evidence {
            diagnostic: d,
            status: status.as_deref(),
            reply_code: crate::smtp::find_reply_code(d),
            command: crate::smtp::find_command(d),
            diagnostic_type: Some("smtp"),
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
            text("550 5.7.26 Unauthenticated email is not accepted"),
            Reason::AuthFailure
        );
    }

    #[test]
    fn status_when_text_is_silent() {
        let ev = |s| Evidence {
            diagnostic: "550 go",
            status: Some(s),
            diagnostic_type: Some("smtp"),
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
            diagnostic: "hello",
            command: Some(Command::Helo),
            ..Evidence::default()
        };
        assert_eq!(classify(&ev), Reason::Blocked);
        assert_eq!(classify(&Evidence::default()), Reason::Undefined);
    }
}
