//! Uploads are spooled to an anonymous temporary file while they arrive: the import then
//! reads the file as often as it needs (encoding detection scans it once) without holding it
//! in memory, and the file's SHA-256 and size are known before anything is written.

use std::io::{Seek, SeekFrom, Write};

use axum::body::Body;
use futures::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Largest upload accepted (bytes).
pub const MAX_UPLOAD: u64 = 8 << 30;

/// A received upload.
pub struct Spooled {
    /// Positioned at the start.
    pub file: std::fs::File,
    pub sha256: [u8; 32],
    pub bytes: u64,
    /// Line feeds in the file: an upper bound of its rows, for progress and ETA.
    pub newlines: u64,
}

impl Spooled {
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Writes the request body to a temporary file (deleted when dropped).
pub async fn spool(body: Body) -> Result<Spooled, ApiError> {
    let file = tempfile::tempfile().map_err(ApiError::internal)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<axum::body::Bytes>(16);
    // File writes and hashing run on a blocking thread while the body keeps arriving.
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<Spooled> {
        let mut file = file;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        let mut hash = Sha256::new();
        let (mut bytes, mut newlines) = (0u64, 0u64);
        while let Some(chunk) = rx.blocking_recv() {
            hash.update(&chunk);
            bytes += chunk.len() as u64;
            newlines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            out.write_all(&chunk)?;
        }
        out.flush()?;
        drop(out);
        file.seek(SeekFrom::Start(0))?;
        Ok(Spooled {
            file,
            sha256: hash.finalize().into(),
            bytes,
            newlines,
        })
    });
    let mut stream = body.into_data_stream();
    let mut received = 0u64;
    let mut failure = None;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => {
                received += c.len() as u64;
                if received > MAX_UPLOAD {
                    failure = Some(ApiError::new(
                        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("the file is larger than {MAX_UPLOAD} bytes"),
                    ));
                    break;
                }
                if tx.send(c).await.is_err() {
                    break;
                }
            }
            Err(e) => {
                failure = Some(ApiError::invalid(
                    "body",
                    format!("reading the upload failed after {received} bytes: {e}"),
                ));
                break;
            }
        }
    }
    drop(tx);
    let spooled = writer
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::internal(format!("spooling the upload: {e}")))?;
    match failure {
        Some(e) => Err(e),
        None => Ok(spooled),
    }
}
