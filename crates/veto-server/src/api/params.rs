//! Parsing of request fields into domain values, with errors naming the field.

use veto_domain::Timestamp;

use crate::error::ApiError;

/// Parses an optional RFC 3339 timestamp field.
pub fn timestamp(field: &str, v: Option<&str>) -> Result<Option<Timestamp>, ApiError> {
    v.map(|s| {
        time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
            .map(|t| veto_domain::truncate_micros(t.to_offset(time::UtcOffset::UTC)))
            .map_err(|e| ApiError::invalid(field, format!("{field}: '{s}' is not an RFC 3339 timestamp like 2026-11-02T10:00:00Z ({e})")))
    })
    .transpose()
}

/// Parses a closed-enum field with its `parse` function; the error lists the choices.
pub fn choice<T>(
    field: &str,
    v: &str,
    parse: impl Fn(&str) -> Option<T>,
    choices: &str,
) -> Result<T, ApiError> {
    parse(v).ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("{field}: unknown value '{v}' (use one of: {choices})"),
        )
    })
}

pub fn opt_choice<T>(
    field: &str,
    v: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    choices: &str,
) -> Result<Option<T>, ApiError> {
    v.map(|s| choice(field, s, &parse, choices)).transpose()
}

/// Page size: default 50, at most 1000.
pub fn limit(v: Option<u32>) -> Result<u32, ApiError> {
    match v {
        None => Ok(50),
        Some(0) => Err(ApiError::invalid("limit", "limit must be at least 1")),
        Some(n) => Ok(n.min(1000)),
    }
}

/// Parses an id path or cursor segment.
pub fn id<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, ApiError> {
    v.parse()
        .map_err(|_| ApiError::invalid(field, format!("{field}: '{v}' is not a valid id")))
}

/// An id in a path: a malformed one cannot name an object, so it answers 404 like another
/// tenant's id would.
pub fn path_id<T: std::str::FromStr>(what: &str, v: &str) -> Result<T, ApiError> {
    v.parse().map_err(|_| ApiError::not_found(what))
}

/// Trims an optional text; empty becomes `None`.
pub fn text(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
