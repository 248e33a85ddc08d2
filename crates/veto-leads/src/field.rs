//! The lead fields a column can feed, and the header names that are recognised for each.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// What a column of a lead file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The primary e-mail address: the lead's identity.
    Email,
    /// Another e-mail address of the same person (secondary, personal, ...).
    AdditionalEmail,
    /// A phone number (several phone columns are all read).
    Phone,
    /// The full name.
    Name,
    /// The first (given) name; joined with the last name when there is no full-name column.
    FirstName,
    /// The last (family) name.
    LastName,
    /// The CRM's company / account id.
    CompanyId,
    /// The company name.
    CompanyName,
    /// Who owns the lead (a person or team name).
    Owner,
    /// The lead's id in the system it was exported from.
    SourceId,
    /// A do-not-contact / unsubscribed / opted-out flag (several such columns are all read; any
    /// one set marks the lead).
    Dnc,
    /// Kept as a custom field (header → value).
    Custom,
    /// Not read at all.
    Ignore,
}

impl Field {
    /// Every field, in the order they are documented.
    pub const ALL: [Field; 13] = [
        Field::Email,
        Field::AdditionalEmail,
        Field::Phone,
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::CompanyId,
        Field::CompanyName,
        Field::Owner,
        Field::SourceId,
        Field::Dnc,
        Field::Custom,
        Field::Ignore,
    ];

    /// The field's name, as used in mapping overrides (`email=Work Mail`) and row problems.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::AdditionalEmail => "additional_email",
            Field::Phone => "phone",
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::CompanyId => "company_id",
            Field::CompanyName => "company_name",
            Field::Owner => "owner",
            Field::SourceId => "source_id",
            Field::Dnc => "dnc",
            Field::Custom => "custom",
            Field::Ignore => "ignore",
        }
    }

    /// Parses a field name as written in a mapping override: the names of [`Field::as_str`] and
    /// a few synonyms (`email2`, `company`, `id`, `skip`, ...), case- and punctuation-insensitive.
    pub fn parse(s: &str) -> Option<Field> {
        Some(match header_key(s).as_str() {
            "email" | "primaryemail" => Field::Email,
            "additionalemail" | "email2" | "otheremail" | "secondaryemail" | "extraemail" => {
                Field::AdditionalEmail
            }
            "phone" => Field::Phone,
            "name" | "fullname" => Field::Name,
            "firstname" => Field::FirstName,
            "lastname" => Field::LastName,
            "companyid" => Field::CompanyId,
            "companyname" | "company" => Field::CompanyName,
            "owner" => Field::Owner,
            "sourceid" | "id" => Field::SourceId,
            "dnc" | "donotcontact" => Field::Dnc,
            "custom" => Field::Custom,
            "ignore" | "skip" => Field::Ignore,
            _ => return None,
        })
    }

    /// Whether several columns may feed this field at once (every one is read). For the other
    /// fields the first column wins and later candidates become custom fields.
    pub fn is_multi(self) -> bool {
        matches!(
            self,
            Field::AdditionalEmail | Field::Phone | Field::Dnc | Field::Custom | Field::Ignore
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The header names recognised for each field, as people write them. Matching ignores case,
/// spaces and punctuation (`E-Mail_Address` matches `email address`). Besides these:
///
/// - `email` followed by a number is the primary address for 1 (`Email 1`, `email_1`) and an
///   additional address for any other number (`Email 2`, `E-mail 3`);
/// - a name that is not in the table is looked up again without a leading `contact`, `lead`,
///   `person`, `customer`, `prospect` or `primary` (`Contact Email`, `Lead Phone`,
///   `Primary Associated Company ID`);
/// - a name starting with `opted out of email` or `unsubscribed from` is a do-not-contact flag
///   (HubSpot's per-subscription columns).
///
/// A `domain` / `website` column is *not* a company id: it stays a custom field.
pub const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::Email,
        &[
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "work email",
            "business email",
            "primary email",
            "email_1",
            "corporate email",
            "company email",
            "office email",
            "professional email",
            "emailaddress",
            "contact email",
            "lead email",
            "e-mail-adresse",
            "adresse e-mail",
            "adresse email",
            "courriel",
            "correo",
            "correo electronico",
            "correo electrónico",
            "posta elettronica",
        ],
    ),
    (
        Field::AdditionalEmail,
        &[
            "email 2",
            "additional email",
            "additional email addresses",
            "secondary email",
            "personal email",
            "private email",
            "home email",
            "other email",
            "alternate email",
            "alternative email",
            "alt email",
            "backup email",
            "email_2",
            "email_3",
        ],
    ),
    (
        Field::Phone,
        &[
            "phone",
            "phone number",
            "telephone",
            "telephone number",
            "tel",
            "mobile",
            "mobile phone",
            "mobile number",
            "cell",
            "cell phone",
            "cellphone",
            "work phone",
            "business phone",
            "direct phone",
            "direct dial",
            "direct line",
            "office phone",
            "home phone",
            "personal phone",
            "other phone",
            "phone 1",
            "phone 2",
            "primary phone",
            "telefon",
            "telefonnummer",
            "handy",
            "mobil",
            "téléphone",
            "portable",
            "teléfono",
            "telefono",
            "móvil",
        ],
    ),
    (
        Field::Name,
        &[
            "name",
            "full name",
            "contact name",
            "lead name",
            "person name",
            "contact",
            "nom complet",
        ],
    ),
    (
        Field::FirstName,
        &[
            "first name",
            "firstname",
            "first",
            "given name",
            "forename",
            "vorname",
            "prénom",
            "prenom",
            "nombre",
        ],
    ),
    (
        Field::LastName,
        &[
            "last name",
            "lastname",
            "last",
            "surname",
            "family name",
            "nachname",
            "familienname",
            "nom de famille",
            "apellido",
            "apellidos",
        ],
    ),
    (
        Field::CompanyId,
        &[
            "company id",
            "company_id",
            "account id",
            "organization id",
            "organisation id",
            "org id",
            "associated company id",
            "hubspot company id",
            "salesforce account id",
            "crm company id",
        ],
    ),
    (
        Field::CompanyName,
        &[
            "company",
            "company name",
            "account",
            "account name",
            "organization",
            "organisation",
            "organization name",
            "organisation name",
            "associated company",
            "employer",
            "business name",
            "firma",
            "unternehmen",
            "société",
            "societe",
            "entreprise",
            "empresa",
        ],
    ),
    (
        Field::Owner,
        &[
            "owner",
            "lead owner",
            "contact owner",
            "account owner",
            "record owner",
            "owner name",
            "assigned to",
            "assignee",
            "sales rep",
            "sdr",
            "bdr",
            "ae",
        ],
    ),
    (
        Field::SourceId,
        &[
            "id",
            "record id",
            "contact id",
            "lead id",
            "person id",
            "prospect id",
            "source id",
            "external id",
            "crm id",
            "hubspot id",
            "salesforce id",
            "sfdc id",
            "hs_object_id",
        ],
    ),
    (
        Field::Dnc,
        &[
            "dnc",
            "do not contact",
            "do not call",
            "do not email",
            "do_not_email",
            "donotcall",
            "unsubscribed",
            "unsubscribe",
            "unsubscribed from all email",
            "opted out",
            "opt out",
            "opt-out",
            "opted out of email",
            "email opt out",
            "email opted out",
            "hasoptedoutofemail",
            "hs_email_optout",
            "suppressed",
            "blacklisted",
            "blocklisted",
            "global unsubscribe",
        ],
    ),
];

/// Header names that mean "do not *call*": read as do-not-contact (nothing is weakened) and
/// reported in [`FileInfo::notes`](crate::FileInfo::notes), since in most CRMs they are about
/// phone calls only.
pub(crate) const PHONE_ONLY_DNC: &[&str] = &["donotcall", "dnc phone", "phone opt out"];

/// The matching key of a header: lower case, letters and digits only.
pub fn header_key(header: &str) -> String {
    let mut k = String::with_capacity(header.len());
    for c in header.chars() {
        if c.is_alphanumeric() {
            k.extend(c.to_lowercase());
        }
    }
    k
}

static TABLE: LazyLock<HashMap<String, Field>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (field, names) in ALIASES {
        for n in *names {
            m.entry(header_key(n)).or_insert(*field);
        }
    }
    m
});

const PREFIXES: &[&str] = &[
    "contact", "lead", "person", "customer", "prospect", "primary",
];

/// The field a header names, from [`ALIASES`] and the rules described there; `None` for a
/// header that becomes a custom field.
pub fn field_for_header(header: &str) -> Option<Field> {
    let key = header_key(header);
    lookup(&key).or_else(|| {
        PREFIXES
            .iter()
            .filter_map(|p| key.strip_prefix(p))
            .filter(|rest| !rest.is_empty())
            .find_map(lookup)
    })
}

fn lookup(key: &str) -> Option<Field> {
    if let Some(f) = TABLE.get(key) {
        return Some(*f);
    }
    for stem in ["email", "mail"] {
        if let Some(n) = key.strip_prefix(stem)
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            return Some(if n.trim_start_matches('0') == "1" {
                Field::Email
            } else {
                Field::AdditionalEmail
            });
        }
    }
    if key.starts_with("optedoutofemail") || key.starts_with("unsubscribedfrom") {
        return Some(Field::Dnc);
    }
    None
}

/// Whether a do-not-contact header is about phone calls only (`Do Not Call`).
pub(crate) fn is_phone_only_dnc(header: &str) -> bool {
    let key = header_key(header);
    PHONE_ONLY_DNC.iter().any(|p| header_key(p) == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        for (h, f) in [
            ("Email", Some(Field::Email)),
            ("E-mail Address", Some(Field::Email)),
            ("EMAIL_ADDRESS", Some(Field::Email)),
            ("Email 1", Some(Field::Email)),
            ("Email 2", Some(Field::AdditionalEmail)),
            ("email_3", Some(Field::AdditionalEmail)),
            ("Contact Email", Some(Field::Email)),
            ("Personal Email", Some(Field::AdditionalEmail)),
            ("Direct Dial", Some(Field::Phone)),
            ("Lead Phone", Some(Field::Phone)),
            ("First Name", Some(Field::FirstName)),
            ("Surname", Some(Field::LastName)),
            ("Account ID", Some(Field::CompanyId)),
            ("Primary Associated Company ID", Some(Field::CompanyId)),
            ("Domain", None),
            ("Website", None),
            ("Record ID", Some(Field::SourceId)),
            ("Contact ID", Some(Field::SourceId)),
            ("Lead Owner", Some(Field::Owner)),
            ("HasOptedOutOfEmail", Some(Field::Dnc)),
            ("Do Not Call", Some(Field::Dnc)),
            ("Opted out of email: Newsletter", Some(Field::Dnc)),
            ("Unsubscribed from all email", Some(Field::Dnc)),
            ("Unsubscribe date", None),
            ("Lead Status", None),
            ("Téléphone", Some(Field::Phone)),
        ] {
            assert_eq!(field_for_header(h), f, "{h}");
        }
        assert!(is_phone_only_dnc("DoNotCall"));
        assert!(!is_phone_only_dnc("Do Not Contact"));
    }

    #[test]
    fn field_names() {
        for f in Field::ALL {
            assert_eq!(Field::parse(f.as_str()), Some(f));
        }
        assert_eq!(Field::parse("Email2"), Some(Field::AdditionalEmail));
        assert_eq!(Field::parse("nope"), None);
    }
}
