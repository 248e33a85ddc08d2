//! Which column feeds which lead field: explicit overrides first, then the header names.

use std::sync::Arc;

use crate::error::FatalError;
use crate::field::{Field, field_for_header, header_key, is_phone_only_dnc};
use crate::options::{ColumnRef, MappingOverride};

/// How a column came to feed its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappedBy {
    /// Its header is one of the names of the field.
    Header,
    /// An explicit mapping.
    Override,
    /// Its header names no field: kept as a custom field.
    Unrecognised,
    /// Its header names a field that reads one column and another column already feeds it: kept
    /// as a custom field (a second e-mail column becomes an additional address).
    Duplicate,
    /// Custom fields are turned off and the column feeds no field.
    Dropped,
}

/// One column of the file and what it feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    /// 0-based position.
    pub index: usize,
    /// The header text, trimmed (`column N` when the header cell is empty).
    pub header: String,
    pub field: Field,
    pub mapped_by: MappedBy,
}

/// The columns each field reads, resolved for fast row building.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub(crate) email: Option<usize>,
    pub(crate) extra_emails: Vec<usize>,
    pub(crate) phones: Vec<usize>,
    pub(crate) name: Option<usize>,
    pub(crate) first_name: Option<usize>,
    pub(crate) last_name: Option<usize>,
    pub(crate) company_id: Option<usize>,
    pub(crate) company_name: Option<usize>,
    pub(crate) owner: Option<usize>,
    pub(crate) source_id: Option<usize>,
    pub(crate) dnc: Vec<usize>,
    pub(crate) custom: Vec<(usize, Arc<str>)>,
    /// Every column that is read, with its field (for the length limit).
    pub(crate) read: Vec<(usize, Field)>,
    /// Header text per column, for reports.
    pub(crate) headers: Vec<String>,
}

pub(crate) struct Mapping {
    pub(crate) columns: Vec<ColumnInfo>,
    pub(crate) plan: Plan,
    pub(crate) notes: Vec<String>,
}

/// Maps the columns of a header row. Fails when a mapping names an unknown column or when no
/// column can be read as the e-mail address.
pub(crate) fn build(
    headers: &[String],
    overrides: &[MappingOverride],
    keep_custom: bool,
) -> Result<Mapping, FatalError> {
    let names: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if h.is_empty() {
                format!("column {}", i + 1)
            } else {
                h.clone()
            }
        })
        .collect();
    let mut assigned: Vec<Option<(Field, MappedBy)>> = vec![None; headers.len()];
    let mut notes = Vec::new();

    for o in overrides {
        let col = resolve(headers, &o.column).ok_or_else(|| FatalError::UnknownColumn {
            field: o.field,
            column: o.column.clone(),
            headers: headers.to_vec(),
        })?;
        if let Some((f, _)) = assigned[col]
            && f != o.field
        {
            return Err(FatalError::ColumnMappedTwice {
                column: names[col].clone(),
                first: f,
                second: o.field,
            });
        }
        if !o.field.is_multi()
            && let Some(other) = assigned
                .iter()
                .position(|a| matches!(a, Some((f, _)) if *f == o.field))
            && other != col
        {
            return Err(FatalError::FieldMappedTwice {
                field: o.field,
                first: names[other].clone(),
                second: names[col].clone(),
            });
        }
        assigned[col] = Some((o.field, MappedBy::Override));
    }

    for (i, h) in headers.iter().enumerate() {
        if assigned[i].is_some() {
            continue;
        }
        let taken = |f: Field| {
            assigned
                .iter()
                .any(|a| matches!(a, Some((g, _)) if *g == f))
        };
        let a = match field_for_header(h) {
            None => (Field::Custom, MappedBy::Unrecognised),
            Some(f) if f.is_multi() || !taken(f) => (f, MappedBy::Header),
            Some(Field::Email) => {
                notes.push(format!(
                    "column '{}' is read as an additional e-mail address (another column is the primary one)",
                    names[i]
                ));
                (Field::AdditionalEmail, MappedBy::Duplicate)
            }
            Some(f) => {
                notes.push(format!(
                    "column '{}' also looks like {f}, which another column feeds: kept as a custom field",
                    names[i]
                ));
                (Field::Custom, MappedBy::Duplicate)
            }
        };
        assigned[i] = Some(a);
    }

    let mut columns: Vec<ColumnInfo> = assigned
        .into_iter()
        .enumerate()
        .map(|(index, a)| {
            let (field, mapped_by) = a.unwrap_or((Field::Custom, MappedBy::Unrecognised));
            ColumnInfo {
                index,
                header: names[index].clone(),
                field,
                mapped_by,
            }
        })
        .collect();

    if !columns.iter().any(|c| c.field == Field::Email) {
        match columns
            .iter_mut()
            .find(|c| c.field == Field::AdditionalEmail)
        {
            Some(c) => {
                c.field = Field::Email;
                notes.push(format!(
                    "no primary e-mail column: column '{}' is read as the e-mail address",
                    c.header
                ));
            }
            None => {
                return Err(FatalError::NoEmailColumn {
                    headers: headers.to_vec(),
                });
            }
        }
    }

    let mut plan = Plan {
        headers: names,
        ..Plan::default()
    };
    for c in &mut columns {
        if c.field == Field::Custom && !keep_custom && c.mapped_by != MappedBy::Override {
            c.field = Field::Ignore;
            c.mapped_by = MappedBy::Dropped;
        }
        let i = c.index;
        match c.field {
            Field::Email => plan.email = Some(i),
            Field::AdditionalEmail => plan.extra_emails.push(i),
            Field::Phone => plan.phones.push(i),
            Field::Name => plan.name = Some(i),
            Field::FirstName => plan.first_name = Some(i),
            Field::LastName => plan.last_name = Some(i),
            Field::CompanyId => plan.company_id = Some(i),
            Field::CompanyName => plan.company_name = Some(i),
            Field::Owner => plan.owner = Some(i),
            Field::SourceId => plan.source_id = Some(i),
            Field::Dnc => {
                plan.dnc.push(i);
                if is_phone_only_dnc(&c.header) {
                    notes.push(format!(
                        "column '{}' is read as do-not-contact for every channel (in most CRMs it is about phone calls only)",
                        c.header
                    ));
                }
            }
            Field::Custom => plan.custom.push((i, Arc::from(c.header.as_str()))),
            Field::Ignore => {}
        }
        if c.field != Field::Ignore {
            plan.read.push((i, c.field));
        }
    }
    Ok(Mapping {
        columns,
        plan,
        notes,
    })
}

/// The 0-based column a reference names.
fn resolve(headers: &[String], r: &ColumnRef) -> Option<usize> {
    match r {
        ColumnRef::Number(n) => (*n >= 1 && *n <= headers.len()).then(|| n - 1),
        ColumnRef::Header(h) => {
            let want = h.trim();
            let lower = want.to_lowercase();
            if let Some(i) = headers.iter().position(|x| x.to_lowercase() == lower) {
                return Some(i);
            }
            let key = header_key(want);
            if !key.is_empty()
                && let Some(i) = headers.iter().position(|x| header_key(x) == key)
            {
                return Some(i);
            }
            match want.parse::<usize>() {
                Ok(n) if n >= 1 && n <= headers.len() => Some(n - 1),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn fields(m: &Mapping) -> Vec<Field> {
        m.columns.iter().map(|c| c.field).collect()
    }

    #[test]
    fn by_header() {
        let m = build(
            &h(&[
                "Email",
                "Work Email",
                "Phone",
                "Mobile",
                "Company",
                "Account Name",
                "X",
            ]),
            &[],
            true,
        )
        .unwrap();
        assert_eq!(
            fields(&m),
            [
                Field::Email,
                Field::AdditionalEmail,
                Field::Phone,
                Field::Phone,
                Field::CompanyName,
                Field::Custom,
                Field::Custom
            ]
        );
        assert_eq!(m.notes.len(), 2);
    }

    #[test]
    fn overrides() {
        let o = |s: &str| s.parse::<MappingOverride>().unwrap();
        let hs = h(&["Email", "Work Mail", "Opt-Out", "4"]);
        let m = build(&hs, &[o("email=work mail"), o("dnc=Opt-Out")], false).unwrap();
        assert_eq!(
            fields(&m),
            [
                Field::AdditionalEmail,
                Field::Email,
                Field::Dnc,
                Field::Ignore
            ]
        );
        let m = build(&hs, &[o("email=#2"), o("source_id=4")], true).unwrap();
        assert_eq!(m.plan.email, Some(1));
        assert_eq!(m.plan.source_id, Some(3));
        assert!(matches!(
            build(&hs, &[o("phone=Mobile")], true),
            Err(FatalError::UnknownColumn { .. })
        ));
        assert!(matches!(
            build(&hs, &[o("phone=#5")], true),
            Err(FatalError::UnknownColumn { .. })
        ));
        assert!(matches!(
            build(&hs, &[o("phone=Email"), o("dnc=email")], true),
            Err(FatalError::ColumnMappedTwice { .. })
        ));
        assert!(matches!(
            build(&hs, &[o("email=Email"), o("email=#2")], true),
            Err(FatalError::FieldMappedTwice { .. })
        ));
        // Mapping the only e-mail column elsewhere leaves none.
        assert!(matches!(
            build(&h(&["Email", "Name"]), &[o("custom=Email")], true),
            Err(FatalError::NoEmailColumn { .. })
        ));
    }

    #[test]
    fn additional_email_promoted() {
        let m = build(&h(&["Personal Email", "Name"]), &[], true).unwrap();
        assert_eq!(m.plan.email, Some(0));
    }

    #[test]
    fn no_email() {
        let e = build(&h(&["Name", "Phone"]), &[], true).err().unwrap();
        let msg = e.to_string();
        assert!(msg.contains("\"Name\", \"Phone\""), "{msg}");
        assert!(msg.contains("\"email address\""), "{msg}");
    }
}
