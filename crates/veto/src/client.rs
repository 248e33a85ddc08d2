//! The one HTTP client of the Veto API the commands share: bearer auth, URL building, and
//! the mapping of every failure to a [`ClientError`] that says what to do about it.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde_json::Value;

/// Plain requests answer in well under this; bulk checks stream and are not limited.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call to the API failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no API key: set VETO_API_KEY or pass --key")]
    NoKey,
    #[error(
        "the API key contains spaces, line breaks or non-ASCII characters: check VETO_API_KEY or --key"
    )]
    BadKey,
    #[error("invalid server URL '{url}': {reason}")]
    BadServerUrl { url: String, reason: String },
    #[error("cannot reach the Veto server at {url} ({cause})")]
    Unreachable { url: String, cause: String },
    /// The server answered with an error status and (usually) its JSON error body.
    #[error("{}", api_error_text(*.status, .code, .message, .field.as_deref()))]
    Api {
        status: u16,
        code: String,
        message: String,
        field: Option<String>,
    },
    #[error("request to {url} failed: {cause}")]
    Transport { url: String, cause: String },
    #[error("unexpected response from {url}: {detail}")]
    BadResponse { url: String, detail: String },
}

fn api_error_text(status: u16, code: &str, message: &str, field: Option<&str>) -> String {
    let field = field.map(|f| format!(" (field: {f})")).unwrap_or_default();
    format!("server refused the request: {code}: {message}{field} [HTTP {status}]")
}

impl ClientError {
    /// Classifies a reqwest error, naming its innermost cause (the chain repeats itself).
    fn from_reqwest(url: &Url, e: reqwest::Error) -> Self {
        let cause = root_cause(&e);
        let url = without_query(url);
        if e.is_connect() {
            Self::Unreachable { url, cause }
        } else if e.is_timeout() {
            Self::Transport {
                url,
                cause: format!("timed out ({cause})"),
            }
        } else {
            Self::Transport { url, cause }
        }
    }

    /// The server's error body, or the status and whatever text came when it is not ours
    /// (a proxy's HTML page, an empty body).
    pub fn from_error_body(status: StatusCode, body: &str) -> Self {
        #[derive(serde::Deserialize)]
        struct Body {
            error: Inner,
        }
        #[derive(serde::Deserialize)]
        struct Inner {
            code: String,
            message: String,
            #[serde(default)]
            field: Option<String>,
        }
        match serde_json::from_str::<Body>(body) {
            Ok(b) => Self::Api {
                status: status.as_u16(),
                code: b.error.code,
                message: b.error.message,
                field: b.error.field,
            },
            Err(_) => {
                let text: String = body.trim().chars().take(200).collect();
                let message = if text.is_empty() {
                    status
                        .canonical_reason()
                        .unwrap_or("no message")
                        .to_string()
                } else {
                    text
                };
                Self::Api {
                    status: status.as_u16(),
                    code: format!("http_{}", status.as_u16()),
                    message,
                    field: None,
                }
            }
        }
    }
}

/// The URL for messages: query strings carry identifiers (personal data) and stay out.
fn without_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.to_string()
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A successful JSON answer and its status (201 vs 200 tells "created" from "already there").
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

/// A client of one Veto server, authenticated with one API key.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    key: String,
}

impl std::fmt::Debug for ApiClient {
    // The key is a secret: never in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl ApiClient {
    pub fn new(server: &str, key: Option<&str>) -> Result<Self, ClientError> {
        let key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(ClientError::NoKey)?;
        // A key pasted with a line break or other stray character would fail later as an
        // obscure "invalid header value".
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ClientError::BadKey);
        }
        let base = parse_base(server)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("veto-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::BadServerUrl {
                url: server.to_string(),
                reason: root_cause(&e),
            })?;
        Ok(Self {
            http,
            base,
            key: key.to_string(),
        })
    }

    /// The URL of `segments` under the base, each segment percent-encoded (an id typed by a
    /// user can never reach another path), with the query pairs whose value is present.
    pub fn url(&self, segments: &[&str], query: &[(&str, Option<String>)]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        let present: Vec<_> = query
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.as_str())))
            .collect();
        if !present.is_empty() {
            url.query_pairs_mut().extend_pairs(present);
        }
        url
    }

    pub async fn get(&self, url: Url) -> Result<Value, ClientError> {
        Ok(self.call(Method::GET, url, None::<&()>).await?.body)
    }

    pub async fn post(&self, url: Url, body: &impl Serialize) -> Result<Reply, ClientError> {
        self.call(Method::POST, url, Some(body)).await
    }

    pub async fn patch(&self, url: Url, body: &impl Serialize) -> Result<Reply, ClientError> {
        self.call(Method::PATCH, url, Some(body)).await
    }

    pub async fn put(&self, url: Url, body: &impl Serialize) -> Result<Reply, ClientError> {
        self.call(Method::PUT, url, Some(body)).await
    }

    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<&impl Serialize>,
    ) -> Result<Reply, ClientError> {
        let mut req = self
            .http
            .request(method, url.clone())
            .bearer_auth(&self.key)
            .timeout(REQUEST_TIMEOUT);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&url, e))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| ClientError::from_reqwest(&url, e))?;
        if !status.is_success() {
            return Err(ClientError::from_error_body(status, &text));
        }
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| ClientError::BadResponse {
                url: without_query(&url),
                detail: format!("not JSON ({e})"),
            })?
        };
        Ok(Reply { status, body })
    }

    /// Posts raw bytes (`content_type`) and reads the JSON answer.
    pub async fn post_bytes(
        &self,
        url: Url,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Reply, ClientError> {
        let resp = self
            .http
            .post(url.clone())
            .bearer_auth(&self.key)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .timeout(REQUEST_TIMEOUT)
            .body(body)
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&url, e))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| ClientError::from_reqwest(&url, e))?;
        if !status.is_success() {
            return Err(ClientError::from_error_body(status, &text));
        }
        let body = serde_json::from_str(&text).map_err(|e| ClientError::BadResponse {
            url: without_query(&url),
            detail: format!("not JSON ({e})"),
        })?;
        Ok(Reply { status, body })
    }

    /// Sends a streamed body and returns the response once its status is a success, for the
    /// caller to read as a stream.
    pub async fn post_stream(
        &self,
        url: Url,
        content_type: &str,
        body: reqwest::Body,
    ) -> Result<reqwest::Response, ClientError> {
        let resp = self
            .http
            .post(url.clone())
            .bearer_auth(&self.key)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::ACCEPT, "application/x-ndjson")
            .body(body)
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&url, e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let text = resp.text().await.unwrap_or_default();
        Err(ClientError::from_error_body(status, &text))
    }

    /// A GET whose successful answer the caller reads as a stream (downloads).
    pub async fn get_stream(&self, url: Url) -> Result<reqwest::Response, ClientError> {
        let resp = self
            .http
            .get(url.clone())
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&url, e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let text = resp.text().await.unwrap_or_default();
        Err(ClientError::from_error_body(status, &text))
    }

    /// Every item of a list, following `next_cursor` (`limit` is the page size).
    pub async fn list_all(
        &self,
        segments: &[&str],
        query: &[(&str, Option<String>)],
    ) -> Result<Vec<Value>, ClientError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut q: Vec<(&str, Option<String>)> = query
                .iter()
                .filter(|(k, _)| *k != "cursor")
                .cloned()
                .collect();
            q.push(("cursor", cursor.clone()));
            let url = self.url(segments, &q);
            let page = self.get(url.clone()).await?;
            let (mut page_items, next) =
                split_page(&page).ok_or_else(|| ClientError::BadResponse {
                    url: url.to_string(),
                    detail: "a list without 'items'".into(),
                })?;
            items.append(&mut page_items);
            match next {
                // A server that hands back the cursor it was given would loop forever.
                Some(n) if Some(&n) != cursor.as_ref() => cursor = Some(n),
                _ => return Ok(items),
            }
        }
    }
}

/// `{"items": [...], "next_cursor": "…"|null}` as its items and next cursor.
pub fn split_page(page: &Value) -> Option<(Vec<Value>, Option<String>)> {
    let items = page.get("items")?.as_array()?.clone();
    let next = page.get("next_cursor").and_then(|c| match c {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    Some((items, next))
}

fn parse_base(server: &str) -> Result<Url, ClientError> {
    let bad = |reason: &str| ClientError::BadServerUrl {
        url: server.to_string(),
        reason: reason.to_string(),
    };
    let url = Url::parse(server.trim()).map_err(|e| bad(&e.to_string()))?;
    match url.scheme() {
        "http" => {}
        // This build carries no TLS stack; say so instead of failing obscurely later.
        "https" => {
            return Err(bad(
                "this build of veto speaks plain http only; reach the server over http \
                 (e.g. through a local TLS-terminating proxy)",
            ));
        }
        _ => return Err(bad("use an http:// URL")),
    }
    if url.host().is_none() || url.cannot_be_a_base() {
        return Err(bad("no host"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> ApiClient {
        ApiClient::new(base, Some("k")).unwrap()
    }

    #[test]
    fn missing_or_blank_key_is_refused() {
        for key in [None, Some(""), Some("  ")] {
            let e = ApiClient::new("http://127.0.0.1:8080", key).unwrap_err();
            assert_eq!(e.to_string(), "no API key: set VETO_API_KEY or pass --key");
        }
    }

    #[test]
    fn keys_with_stray_characters_are_refused() {
        let e = ApiClient::new("http://h:1", Some("veto_ab\ncd")).unwrap_err();
        assert!(matches!(e, ClientError::BadKey), "{e}");
        // Surrounding blanks (a pasted key) are forgiven.
        assert!(ApiClient::new("http://h:1", Some(" veto_abcd\n")).is_ok());
    }

    #[test]
    fn messages_leave_out_the_query() {
        let c = client("http://h:1");
        let u = c.url(&["v1", "check"], &[("email", Some("jane@x.com".into()))]);
        assert_eq!(without_query(&u), "http://h:1/v1/check");
    }

    #[test]
    fn bad_server_urls() {
        for s in [
            "127.0.0.1:8080",
            "ftp://x",
            "https://veto.example",
            "not a url",
        ] {
            assert!(
                matches!(
                    ApiClient::new(s, Some("k")),
                    Err(ClientError::BadServerUrl { .. })
                ),
                "{s}"
            );
        }
    }

    #[test]
    fn urls_encode_segments_and_skip_absent_params() {
        let c = client("http://h:1");
        let u = c.url(
            &["v1", "check"],
            &[
                ("email", Some("a+b@x.com".into())),
                ("as_of", None),
                ("purpose", Some("sales".into())),
            ],
        );
        assert_eq!(
            u.as_str(),
            "http://h:1/v1/check?email=a%2Bb%40x.com&purpose=sales"
        );
        let u = c.url(&["v1", "users", "../keys"], &[]);
        assert_eq!(u.as_str(), "http://h:1/v1/users/..%2Fkeys");
        // A base with a path prefix (behind a proxy) keeps it.
        let u = client("http://h/veto/").url(&["v1", "keys"], &[]);
        assert_eq!(u.as_str(), "http://h/veto/v1/keys");
    }

    #[test]
    fn error_bodies() {
        let e = ClientError::from_error_body(
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"error":{"code":"invalid_identifier","message":"email: no @","field":"email"}}"#,
        );
        let s = e.to_string();
        assert!(
            s.contains("invalid_identifier: email: no @ (field: email)"),
            "{s}"
        );
        assert!(s.contains("422"), "{s}");
        let e = ClientError::from_error_body(StatusCode::BAD_GATEWAY, "");
        assert!(e.to_string().contains("http_502: Bad Gateway"), "{e}");
    }

    #[test]
    fn pages() {
        let p = serde_json::json!({"items": [1, 2], "next_cursor": "abc"});
        assert_eq!(
            split_page(&p),
            Some((vec![1.into(), 2.into()], Some("abc".into())))
        );
        let p = serde_json::json!({"items": [], "next_cursor": null});
        assert_eq!(split_page(&p), Some((vec![], None)));
        assert_eq!(split_page(&serde_json::json!([])), None);
    }
}
