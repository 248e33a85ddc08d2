//! One command line to a [`Command`], or the reply that refuses it. smtp-proto does the
//! parsing; this module decides which of what it understands this server offers.

use smtp_proto::{
    AUTH_LOGIN, AUTH_PLAIN, Error as ParseError, MAIL_BODY_8BITMIME, MAIL_BODY_BINARYMIME,
    MAIL_BY_NOTIFY, MAIL_BY_RETURN, MAIL_CONPERM, MAIL_REQUIRETLS, MAIL_RET_FULL, MAIL_RET_HDRS,
    MAIL_SMTPUTF8, MailFrom, RcptTo, Request,
};

use crate::reply::Reply;
use crate::sasl::Mechanism;

/// A command this server acts on.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Ehlo(String),
    Helo(String),
    Mail {
        from: String,
        size: Option<u64>,
        body_8bit: bool,
    },
    Rcpt(String),
    Data,
    Rset,
    Noop,
    Quit,
    Vrfy,
    StartTls,
    Auth {
        mechanism: Mechanism,
        initial: Option<String>,
    },
    /// Known to SMTP but not offered here (EXPN, HELP, BDAT…): `502`.
    NotImplemented(&'static str),
}

/// The longest command word (`STARTTLS`). smtp-proto hashes at most 8 letters of a word, so a
/// longer one would be read as its first eight (`STARTTLSX` as `STARTTLS`).
const MAX_VERB: usize = 8;

/// Parses one line, its line end included.
pub(crate) fn parse(line: &[u8]) -> Result<Command, Reply> {
    let verb_len = line
        .iter()
        .position(|b| matches!(b, b' ' | b'\r' | b'\n'))
        .unwrap_or(line.len());
    if verb_len == 0 {
        return Err(Reply::new(500, Some((5, 5, 2)), "Syntax error: no command"));
    }
    if verb_len > MAX_VERB {
        return Err(unrecognized());
    }
    match Request::parse(&mut line.iter()) {
        Ok(request) => command(request),
        Err(e) => Err(parse_error(e)),
    }
}

fn unrecognized() -> Reply {
    Reply::new(500, Some((5, 5, 1)), "Command unrecognized")
}

fn parse_error(e: ParseError) -> Reply {
    match e {
        ParseError::UnknownCommand => unrecognized(),
        ParseError::InvalidSenderAddress => {
            Reply::new(501, Some((5, 1, 7)), "Bad sender address syntax")
        }
        ParseError::InvalidRecipientAddress => {
            Reply::new(501, Some((5, 1, 3)), "Bad recipient address syntax")
        }
        ParseError::SyntaxError { syntax } => {
            Reply::new(501, Some((5, 5, 4)), format!("Syntax: {syntax}"))
        }
        ParseError::InvalidParameter { param } => {
            Reply::new(501, Some((5, 5, 4)), format!("Invalid value for {param}"))
        }
        ParseError::UnsupportedParameter { param } => unsupported(&param),
        // A whole line was given, so these mean the line could not be read at all.
        ParseError::NeedsMoreData { .. }
        | ParseError::ResponseTooLong
        | ParseError::InvalidResponse { .. } => Reply::new(500, Some((5, 5, 2)), "Syntax error"),
    }
}

/// RFC 5321 4.1.1.11: a parameter of an extension not offered is `555`.
fn unsupported(param: &str) -> Reply {
    let param: String = param
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(40)
        .collect();
    Reply::new(
        555,
        Some((5, 5, 4)),
        format!("Parameter {param} not supported"),
    )
}

fn command(request: Request<std::borrow::Cow<'_, str>>) -> Result<Command, Reply> {
    Ok(match request {
        Request::Ehlo { host } => Command::Ehlo(host.into_owned()),
        Request::Helo { host } => Command::Helo(host.into_owned()),
        Request::Mail { from } => mail(from)?,
        Request::Rcpt { to } => rcpt(to)?,
        Request::Data => Command::Data,
        Request::Rset => Command::Rset,
        Request::Noop { .. } => Command::Noop,
        Request::Quit => Command::Quit,
        Request::Vrfy { .. } => Command::Vrfy,
        Request::StartTls => Command::StartTls,
        Request::Auth {
            mechanism,
            initial_response,
        } => {
            let mechanism = match mechanism {
                AUTH_PLAIN => Mechanism::Plain,
                AUTH_LOGIN => Mechanism::Login,
                _ => {
                    return Err(Reply::new(
                        504,
                        Some((5, 5, 4)),
                        "Unrecognized authentication type",
                    ));
                }
            };
            let initial = (!initial_response.is_empty()).then(|| initial_response.into_owned());
            Command::Auth { mechanism, initial }
        }
        other => Command::NotImplemented(other.name()),
    })
}

fn mail(from: MailFrom<std::borrow::Cow<'_, str>>) -> Result<Command, Reply> {
    // The extensions whose MAIL parameters smtp-proto reads but this server does not offer.
    let refused_flags = [
        (MAIL_SMTPUTF8, "SMTPUTF8"),
        (MAIL_BODY_BINARYMIME, "BODY=BINARYMIME"),
        (MAIL_RET_FULL | MAIL_RET_HDRS, "RET"),
        (MAIL_REQUIRETLS, "REQUIRETLS"),
        (MAIL_CONPERM, "CONPERM"),
        (MAIL_BY_NOTIFY | MAIL_BY_RETURN, "BY"),
    ];
    for (flag, name) in refused_flags {
        if from.flags & flag != 0 {
            return Err(unsupported(name));
        }
    }
    let refused_fields = [
        (from.env_id.is_some(), "ENVID"),
        (from.trans_id.is_some(), "TRANSID"),
        (from.solicit.is_some(), "SOLICIT"),
        (from.mtrk.is_some(), "MTRK"),
        (from.hold_for != 0, "HOLDFOR"),
        (from.hold_until != 0, "HOLDUNTIL"),
        (from.mt_priority != 0, "MT-PRIORITY"),
    ];
    for (present, name) in refused_fields {
        if present {
            return Err(unsupported(name));
        }
    }
    // `AUTH=` (RFC 4954 5) is accepted and not used: every message is submitted anew under
    // the session's own authentication.
    let body_8bit = from.flags & MAIL_BODY_8BITMIME != 0;
    Ok(Command::Mail {
        from: from.address.into_owned(),
        // smtp-proto reads an absent SIZE as 0, so `SIZE=0` cannot be told apart from none.
        size: (from.size != 0).then_some(from.size as u64),
        body_8bit,
    })
}

fn rcpt(to: RcptTo<std::borrow::Cow<'_, str>>) -> Result<Command, Reply> {
    if to.orcpt.is_some() {
        return Err(unsupported("ORCPT"));
    }
    if to.flags != 0 || to.rrvs != 0 {
        return Err(unsupported(if to.rrvs != 0 { "RRVS" } else { "NOTIFY" }));
    }
    if to.address.is_empty() {
        // `<>`, and smtp-proto's reading of a bare `<postmaster>`: a submission server has
        // no local postmaster to deliver to.
        return Err(Reply::new(
            501,
            Some((5, 1, 3)),
            "Bad recipient address syntax",
        ));
    }
    Ok(Command::Rcpt(to.address.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> Command {
        parse(line.as_bytes()).unwrap_or_else(|r| panic!("{line:?}: {r}"))
    }

    fn code(line: &str) -> (u16, Option<(u8, u16, u16)>) {
        let r = parse(line.as_bytes()).expect_err(line);
        (r.code, r.status)
    }

    #[test]
    fn basic_commands() {
        assert_eq!(
            ok("EHLO client.example\r\n"),
            Command::Ehlo("client.example".into())
        );
        assert_eq!(ok("helo x\r\n"), Command::Helo("x".into()));
        assert_eq!(ok("DATA\r\n"), Command::Data);
        assert_eq!(ok("rset\r\n"), Command::Rset);
        assert_eq!(ok("NOOP anything\r\n"), Command::Noop);
        assert_eq!(ok("QUIT\r\n"), Command::Quit);
        assert_eq!(ok("VRFY someone\r\n"), Command::Vrfy);
        assert_eq!(ok("STARTTLS\r\n"), Command::StartTls);
        assert_eq!(ok("HELP\r\n"), Command::NotImplemented("HELP"));
        assert_eq!(ok("BDAT 10 LAST\r\n"), Command::NotImplemented("BDAT"));
    }

    #[test]
    fn mail_and_parameters() {
        assert_eq!(
            ok("MAIL FROM:<a@b.example> SIZE=1000 BODY=8BITMIME\r\n"),
            Command::Mail {
                from: "a@b.example".into(),
                size: Some(1000),
                body_8bit: true
            }
        );
        assert_eq!(
            ok("MAIL FROM:<>\r\n"),
            Command::Mail {
                from: String::new(),
                size: None,
                body_8bit: false
            }
        );
        assert!(matches!(
            ok("MAIL FROM:<a@b.example> AUTH=<>\r\n"),
            Command::Mail { .. }
        ));
        assert!(matches!(
            ok("MAIL FROM:<a@b.example> BODY=7BIT\r\n"),
            Command::Mail { .. }
        ));
        for refused in [
            "MAIL FROM:<a@b.example> SMTPUTF8\r\n",
            "MAIL FROM:<a@b.example> BODY=BINARYMIME\r\n",
            "MAIL FROM:<a@b.example> RET=FULL\r\n",
            "MAIL FROM:<a@b.example> ENVID=x\r\n",
            "MAIL FROM:<a@b.example> FOO=bar\r\n",
            "MAIL FROM:<a@b.example> REQUIRETLS\r\n",
        ] {
            assert_eq!(code(refused), (555, Some((5, 5, 4))), "{refused}");
        }
        assert_eq!(code("MAIL FROM:<a@b.example> SIZE=x\r\n").0, 501);
        assert_eq!(code("MAIL FROM:<not an address>\r\n").0, 501);
        assert_eq!(code("MAIL TO:<a@b.example>\r\n"), (501, Some((5, 5, 4))));
    }

    #[test]
    fn rcpt_and_parameters() {
        assert_eq!(
            ok("RCPT TO:<c@d.example>\r\n"),
            Command::Rcpt("c@d.example".into())
        );
        assert_eq!(code("RCPT TO:<c@d.example> NOTIFY=NEVER\r\n").0, 555);
        assert_eq!(
            code("RCPT TO:<c@d.example> ORCPT=rfc822;c@d.example\r\n").0,
            555
        );
        assert_eq!(code("RCPT TO:<>\r\n"), (501, Some((5, 1, 3))));
        assert_eq!(code("RCPT TO:c@d.example\r\n").0, 501);
    }

    #[test]
    fn auth() {
        assert_eq!(
            ok("AUTH PLAIN AHUAcA==\r\n"),
            Command::Auth {
                mechanism: Mechanism::Plain,
                initial: Some("AHUAcA==".into())
            }
        );
        assert_eq!(
            ok("AUTH login\r\n"),
            Command::Auth {
                mechanism: Mechanism::Login,
                initial: None
            }
        );
        assert_eq!(code("AUTH CRAM-MD5\r\n"), (504, Some((5, 5, 4))));
        assert_eq!(code("AUTH XYZZY\r\n"), (504, Some((5, 5, 4))));
        assert_eq!(code("AUTH\r\n").0, 501);
    }

    proptest::proptest! {
        /// Any line, however malformed, is a command or a refusal with a failure code.
        #[test]
        fn any_line_parses_or_is_refused(line in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut line = line;
            line.retain(|b| *b != b'\n');
            line.extend_from_slice(b"\r\n");
            if let Err(reply) = parse(&line) {
                proptest::prop_assert!((500..600).contains(&reply.code), "{}", reply);
            }
        }

        /// Command words are read without regard to case.
        #[test]
        fn verbs_are_case_insensitive(upper in proptest::collection::vec(proptest::bool::ANY, 4)) {
            let verb: String = "NOOP"
                .chars()
                .zip(upper)
                .map(|(c, u)| if u { c } else { c.to_ascii_lowercase() })
                .collect();
            proptest::prop_assert_eq!(parse(format!("{verb}\r\n").as_bytes()), Ok(Command::Noop));
        }
    }

    #[test]
    fn unknown_and_empty() {
        assert_eq!(code("FROB\r\n"), (500, Some((5, 5, 1))));
        assert_eq!(code("STARTTLSX\r\n"), (500, Some((5, 5, 1))));
        assert_eq!(code("\r\n"), (500, Some((5, 5, 2))));
        assert_eq!(code(" NOOP\r\n"), (500, Some((5, 5, 2))));
        assert_eq!(code("\u{ff}\u{fe}\r\n"), (500, Some((5, 5, 1))));
    }
}
