//! Templates of a step's subject and bodies, with the contact's fields: `{{ first_name }}`,
//! `{{ company_name | default("your team") }}`, `{{ custom.industry }}`, `{% if … %}`.
//!
//! The language is MiniJinja's (Jinja2) without macros, includes or extends, with
//! `trim_blocks` and `lstrip_blocks` on (a `{% if %}` on its own line leaves no blank line)
//! and the final newline kept. [`Template::compile`] refuses syntax errors and unknown fields
//! — naming the part, the line and the field — and filters, tests and functions that do not
//! exist, so a typo is found when the step is saved, not when it is sent. Rendering:
//!
//! - A field the contact lacks is undefined: it renders empty, and `default(…)` replaces it.
//!   Empty values count as lacking.
//! - The text parts are not escaped; [`Part::HtmlBody`] escapes every field for HTML.
//! - A subject is one line: after rendering, every run of white space or control characters
//!   (a line break in a contact's company name, say) becomes one space and the ends are
//!   trimmed. Folding rather than refusing keeps one contact's stray newline from stopping
//!   a sequence; it can never become a header line.
//! - Work is bounded (fuel) and so is the output size, since templates are written by users.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

use minijinja::machinery::{Token, tokenize};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Object, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use veto_domain::contact::Contact;
use veto_domain::email::EmailAddress;

/// The contact fields a template may use, besides `custom.<name>`.
pub const FIELDS: [&str; 8] = [
    "first_name",
    "last_name",
    "name",
    "email",
    "company_name",
    "company_id",
    "owner",
    "phone",
];
/// The map of a contact's other columns.
const CUSTOM: &str = "custom";
/// Instructions a render may execute: far above any real template (a loop over a contact's
/// custom fields takes hundreds), far below a runaway loop.
const FUEL: u64 = 200_000;
/// Longest rendered part (1 MiB): more is a template mistake, not a message.
const MAX_OUTPUT: usize = 1 << 20;

/// Which part of a step a template is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The subject: one line after rendering.
    Subject,
    /// The plain-text body: nothing escaped.
    Body,
    /// The HTML body: fields escaped for HTML.
    HtmlBody,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Body => "body",
            Part::HtmlBody => "html_body",
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a template problem is: ` line N` when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At(pub Option<usize>);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(l) => write!(f, " line {l}:"),
            None => Ok(()),
        }
    }
}

/// Why a template was refused or could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{part}:{at} {detail}")]
    Syntax { part: Part, at: At, detail: String },
    #[error(
        "{part}:{at} unknown field '{field}' (known: first_name, last_name, name, email, company_name, company_id, owner, phone, custom.*)"
    )]
    UnknownField { part: Part, at: At, field: String },
    #[error("{part}:{at} {detail}")]
    Unsupported { part: Part, at: At, detail: String },
    #[error("{part}:{at} cannot render: {detail}")]
    Render { part: Part, at: At, detail: String },
    #[error("{part}: the rendered text is {bytes} bytes, more than the 1 MiB allowed")]
    TooLarge { part: Part, bytes: usize },
}

/// A compiled template of one part.
#[derive(Clone)]
pub struct Template {
    part: Part,
    env: Environment<'static>,
    fields: Vec<String>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("part", &self.part)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl Template {
    /// Compiles `source` as `part`, refusing syntax errors, unknown fields and unknown
    /// filters, tests and functions.
    pub fn compile(part: Part, source: &str) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| syntax_error(part, &e))?;
        env.set_syntax(syntax);
        env.set_undefined_behavior(UndefinedBehavior::Lenient);
        env.set_fuel(Some(FUEL));
        let escape = if part == Part::HtmlBody {
            AutoEscape::Html
        } else {
            AutoEscape::None
        };
        env.set_auto_escape_callback(move |_| escape.clone());
        env.add_template_owned(part.as_str(), source.to_string())
            .map_err(|e| syntax_error(part, &e))?;

        let tmpl = env
            .get_template(part.as_str())
            .map_err(|e| syntax_error(part, &e))?;
        let globals: HashSet<&str> = env.globals().map(|(n, _)| n).collect();
        let mut used: Vec<String> = tmpl
            .undeclared_variables(true)
            .into_iter()
            .filter(|v| !globals.contains(v.split('.').next().unwrap_or(v)))
            .collect();
        used.sort();
        for v in &used {
            if !is_known(v) {
                return Err(TemplateError::UnknownField {
                    part,
                    at: At(line_of(source, v)),
                    field: v.clone(),
                });
            }
        }
        // Filters, tests and functions are looked up when rendering: render once with every
        // field present and once with none, and refuse names that do not exist. Errors that
        // depend on the values (an `int` of a name) are left for the real render.
        for probe in [probe_full(), probe_empty()] {
            if let Err(e) = tmpl.render(probe) {
                let unsupported = matches!(
                    e.kind(),
                    ErrorKind::UnknownFilter
                        | ErrorKind::UnknownTest
                        | ErrorKind::UnknownFunction
                        | ErrorKind::UnknownMethod
                        | ErrorKind::TooManyArguments
                        | ErrorKind::MissingArgument
                        | ErrorKind::OutOfFuel
                );
                if unsupported {
                    return Err(TemplateError::Unsupported {
                        part,
                        at: At(e.line()),
                        detail: describe(&e),
                    });
                }
            }
        }
        drop(tmpl);
        Ok(Self {
            part,
            env,
            fields: used,
        })
    }

    pub fn part(&self) -> Part {
        self.part
    }

    /// The contact fields the template reads (`custom.x` for custom ones), sorted.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// The text for one contact.
    pub fn render(&self, fields: &ContactFields) -> Result<String, TemplateError> {
        let part = self.part;
        let tmpl = self
            .env
            .get_template(part.as_str())
            .map_err(|e| syntax_error(part, &e))?;
        let out = tmpl
            .render(fields.to_value())
            .map_err(|e| TemplateError::Render {
                part,
                at: At(e.line()),
                detail: describe(&e),
            })?;
        if out.len() > MAX_OUTPUT {
            return Err(TemplateError::TooLarge {
                part,
                bytes: out.len(),
            });
        }
        Ok(if part == Part::Subject {
            one_line(&out)
        } else {
            out
        })
    }
}

fn syntax_error(part: Part, e: &minijinja::Error) -> TemplateError {
    TemplateError::Syntax {
        part,
        at: At(e.line()),
        detail: describe(e),
    }
}

fn describe(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    }
}

/// `first_name`, `custom`, `custom.industry`; not `custom.a.b` nor `name.x`.
fn is_known(v: &str) -> bool {
    match v.split_once('.') {
        None => v == CUSTOM || FIELDS.contains(&v),
        Some((root, rest)) => root == CUSTOM && !rest.is_empty() && !rest.contains('.'),
    }
}

/// The line where the dotted name `v` is first used, from the template lexer: an identifier
/// sequence `a . b . c` not itself after a dot, a pipe or `is` (attribute, filter or test
/// names).
fn line_of(source: &str, v: &str) -> Option<usize> {
    let segs: Vec<&str> = v.split('.').collect();
    let tokens: Vec<(Token<'_>, usize)> = tokenize(source, false, SyntaxConfig::default())
        .map_while(Result::ok)
        .map(|(t, span)| (t, usize::from(span.start_line)))
        .collect();
    'outer: for i in 0..tokens.len() {
        if i > 0
            && matches!(
                tokens[i - 1].0,
                Token::Dot | Token::Pipe | Token::Ident("is")
            )
        {
            continue;
        }
        for (k, seg) in segs.iter().enumerate() {
            let j = i + 2 * k;
            if !matches!(tokens.get(j), Some((Token::Ident(s), _)) if s == seg) {
                continue 'outer;
            }
            if k + 1 < segs.len() && !matches!(tokens.get(j + 1), Some((Token::Dot, _))) {
                continue 'outer;
            }
        }
        return Some(tokens[i].1);
    }
    None
}

/// A subject on one line: runs of white space and control characters become one space.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The values a template sees for one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: Option<String>,
    /// The address the step goes to (a contact may have several).
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub company_id: Option<String>,
    pub owner: Option<String>,
    pub phone: Option<String>,
    /// Other columns, under their own name and under a template-friendly one (lower case,
    /// `_` for anything but letters and digits: "Job Title" is also `custom.job_title`).
    pub custom: BTreeMap<String, String>,
}

impl ContactFields {
    /// The fields of `contact` for a message to `recipient`. `first_name` is the first word
    /// of the name and `last_name` the rest.
    pub fn from_contact(contact: &Contact, recipient: &EmailAddress) -> Self {
        let name = contact
            .name
            .as_deref()
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|n| !n.is_empty());
        let (first_name, last_name) = match name.as_deref().map(|n| n.split_once(' ')) {
            Some(Some((f, l))) => (Some(f.to_string()), Some(l.to_string())),
            Some(None) => (name.clone(), None),
            None => (None, None),
        };
        let mut custom = BTreeMap::new();
        for (k, v) in &contact.custom {
            if v.trim().is_empty() {
                continue;
            }
            custom.entry(k.clone()).or_insert_with(|| v.clone());
            let friendly = friendly_key(k);
            if !friendly.is_empty() {
                custom.entry(friendly).or_insert_with(|| v.clone());
            }
        }
        Self {
            first_name,
            last_name,
            name,
            email: Some(recipient.as_str().to_string()),
            company_name: contact.company_name.clone(),
            company_id: contact.company_id.clone(),
            owner: contact.owner.clone(),
            phone: contact.phone.clone(),
            custom,
        }
    }

    /// The render context: only the fields that have a non-blank value, so the others are
    /// undefined (and `default` applies to them).
    fn to_value(&self) -> Value {
        let mut ctx: BTreeMap<String, Value> = BTreeMap::new();
        for (k, v) in [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("name", &self.name),
            ("email", &self.email),
            ("company_name", &self.company_name),
            ("company_id", &self.company_id),
            ("owner", &self.owner),
            ("phone", &self.phone),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                ctx.insert(k.to_string(), Value::from(v));
            }
        }
        let custom: BTreeMap<String, Value> = self
            .custom
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        ctx.insert(CUSTOM.to_string(), Value::from(custom));
        Value::from(ctx)
    }
}

/// "Job Title" → "job_title".
fn friendly_key(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    for c in k.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Every field present, every custom name answered: for the compile-time probe.
fn probe_full() -> Value {
    let mut ctx: BTreeMap<String, Value> = FIELDS
        .iter()
        .map(|f| (f.to_string(), Value::from("x")))
        .collect();
    ctx.insert(CUSTOM.to_string(), Value::from_object(AnyCustom));
    Value::from(ctx)
}

fn probe_empty() -> Value {
    let mut ctx: BTreeMap<String, Value> = BTreeMap::new();
    ctx.insert(
        CUSTOM.to_string(),
        Value::from(BTreeMap::<String, Value>::new()),
    );
    Value::from(ctx)
}

/// A custom-field map that has every name.
#[derive(Debug)]
struct AnyCustom;

impl Object for AnyCustom {
    fn get_value(self: &Arc<Self>, _key: &Value) -> Option<Value> {
        Some(Value::from("x"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ContactFields {
        ContactFields {
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            company_name: None,
            custom: [("industry".to_string(), "engines".to_string())].into(),
            ..Default::default()
        }
    }

    #[test]
    fn renders_fields_defaults_and_custom() {
        let t = Template::compile(
            Part::Body,
            "Hi {{ first_name }},\n{% if company_name %}\nAt {{ company_name }}?\n{% endif %}\nFor {{ company_name | default(\"your team\") }} in {{ custom.industry }}{{ custom.missing }}.\n",
        )
        .unwrap();
        assert_eq!(
            t.render(&fields()).unwrap(),
            "Hi Ada,\nFor your team in engines.\n"
        );
        assert_eq!(
            t.fields(),
            [
                "company_name",
                "custom.industry",
                "custom.missing",
                "first_name"
            ]
        );
    }

    #[test]
    fn unknown_fields_name_part_line_and_field() {
        let e = Template::compile(Part::Body, "Hi,\n\n{{ frist_name }}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "body: line 3: unknown field 'frist_name' (known: first_name, last_name, name, email, company_name, company_id, owner, phone, custom.*)"
        );
        let e = Template::compile(Part::Subject, "{{ name }} {{ custom.a.b }}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("subject: line 1: unknown field 'custom.a.b'"),
            "{e}"
        );
        let e =
            Template::compile(Part::Body, "{{ x | default(first_name) }}\n{{ y }}").unwrap_err();
        assert!(
            e.to_string().starts_with("body: line 1: unknown field 'x'"),
            "{e}"
        );
        // Names bound in the template are not fields.
        Template::compile(
            Part::Body,
            "{% set greeting = 'Hi' %}{{ greeting }}{% for k in range(2) %}{{ k }}{% endfor %}",
        )
        .unwrap();
    }

    #[test]
    fn syntax_errors_and_unknown_filters_are_refused() {
        let e = Template::compile(Part::Body, "a\n{% if first_name %}\nb\n").unwrap_err();
        assert!(matches!(e, TemplateError::Syntax { .. }), "{e:?}");
        assert!(e.to_string().starts_with("body: line "), "{e}");
        assert!(e.to_string().contains("syntax error"), "{e}");
        let e = Template::compile(Part::Body, "{{ first_name | uper }}").unwrap_err();
        assert!(matches!(e, TemplateError::Unsupported { .. }), "{e:?}");
        assert!(e.to_string().contains("unknown filter"), "{e}");
        let e = Template::compile(Part::Body, "{% include 'x' %}").unwrap_err();
        assert!(e.to_string().starts_with("body:"), "{e}");
        let e = Template::compile(
            Part::Body,
            "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
        )
        .unwrap_err();
        assert!(e.to_string().contains("fuel"), "{e}");
    }

    #[test]
    fn html_escapes_and_text_does_not() {
        let mut f = fields();
        f.company_name = Some("<Smith & Co>".into());
        let html = Template::compile(Part::HtmlBody, "<p>{{ company_name }}</p>").unwrap();
        assert_eq!(html.render(&f).unwrap(), "<p>&lt;Smith &amp; Co&gt;</p>");
        let text = Template::compile(Part::Body, "{{ company_name }}").unwrap();
        assert_eq!(text.render(&f).unwrap(), "<Smith & Co>");
    }

    #[test]
    fn subjects_fold_to_one_line() {
        let mut f = fields();
        f.company_name = Some("Acme\r\nBcc: victim@example.com".into());
        let t = Template::compile(
            Part::Subject,
            "  For {{ company_name }}\n\t({{ first_name }})\n",
        )
        .unwrap();
        assert_eq!(
            t.render(&f).unwrap(),
            "For Acme Bcc: victim@example.com (Ada)"
        );
    }

    #[test]
    fn fields_from_a_contact() {
        let actor = veto_domain::actor::Actor::system("test");
        let email = EmailAddress::parse("Ada@Example.com").unwrap();
        let c = Contact::create(
            veto_domain::id::TenantId::new(),
            veto_domain::contact::ContactData {
                emails: vec![email.clone()],
                name: Some("  Ada   King Lovelace ".into()),
                company_name: Some("Analytical".into()),
                custom: vec![
                    ("Job Title".into(), "Countess".into()),
                    ("blank".into(), " ".into()),
                ],
                ..Default::default()
            },
            &actor,
            veto_domain::now(),
            None,
        );
        let f = ContactFields::from_contact(&c, &email);
        assert_eq!(f.first_name.as_deref(), Some("Ada"));
        assert_eq!(f.last_name.as_deref(), Some("King Lovelace"));
        assert_eq!(f.name.as_deref(), Some("Ada King Lovelace"));
        assert_eq!(f.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            f.custom.get("Job Title").map(String::as_str),
            Some("Countess")
        );
        assert_eq!(
            f.custom.get("job_title").map(String::as_str),
            Some("Countess")
        );
        assert!(!f.custom.contains_key("blank"));
        let t = Template::compile(
            Part::Body,
            "{{ custom.job_title }} {{ custom['Job Title'] }} {{ phone | default('-') }}",
        )
        .unwrap();
        assert_eq!(t.render(&f).unwrap(), "Countess Countess -");

        let mut one = c.clone();
        one.name = Some("Cher".into());
        let f = ContactFields::from_contact(&one, &email);
        assert_eq!((f.first_name.as_deref(), f.last_name), (Some("Cher"), None));
    }

    #[test]
    fn empty_values_take_the_default() {
        let mut f = fields();
        f.company_name = Some("  ".into());
        let t = Template::compile(Part::Body, "{{ company_name | default('your team') }}").unwrap();
        assert_eq!(t.render(&f).unwrap(), "your team");
    }

    #[test]
    fn friendly_keys() {
        assert_eq!(friendly_key("Job Title"), "job_title");
        assert_eq!(friendly_key(" --Tier (2)-- "), "tier_2");
        assert_eq!(friendly_key("Größe"), "größe");
        assert_eq!(friendly_key("!!"), "");
    }
}
