//! One pass over the mailbox: new messages in UID order, each handed to the caller's handler,
//! then marked or moved, with a cursor the caller persists between passes.

use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::config::{AfterHandling, MailboxConfig};
use crate::error::ImapError;
use crate::session::Session;

/// How far the mailbox has been read: the folder's UIDVALIDITY and the highest UID the poller
/// is done with. Persist it after each poll; `Cursor::default()` starts from the beginning.
#[derive(Serialize, Deserialize, Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Cursor {
    /// The folder's UIDVALIDITY when the cursor was taken; UIDs mean nothing under another.
    pub uid_validity: u32,
    /// Every message with this UID or lower has been handled or skipped.
    pub last_uid: u32,
}

/// What the handler made of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Acted upon: the configured after-handling is applied.
    Handled,
    /// Not ours: left untouched, but the cursor moves past it.
    Skip,
}

/// The outcome of one [`poll_once`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollReport {
    /// The cursor to persist for the next poll.
    pub cursor: Cursor,
    /// Messages downloaded and handed to the handler.
    pub fetched: usize,
    /// Messages the handler handled (and that were then marked or moved).
    pub handled: usize,
    /// Messages the handler skipped.
    pub skipped: usize,
    /// Messages larger than `max_message_bytes`: not downloaded, left untouched, passed.
    pub oversized: usize,
    /// The message whose handler failed, with the handler's error. It is left untouched, the
    /// cursor stays before it, and the poll stopped there: the next poll retries it.
    pub failed: Option<(u32, String)>,
    /// The folder's UIDVALIDITY differed from the cursor's, so reading restarted at UID 1.
    pub validity_reset: bool,
    /// More new messages were waiting than one batch holds: poll again soon. Not set by a
    /// handler failure (retrying at once would likely fail again).
    pub more: bool,
}

/// Connects, reads up to `cfg.batch` new messages (UID above `cursor.last_uid`, and without
/// the handled keyword in flag mode) in UID order, and hands each to `handler`.
///
/// Messages are downloaded with `BODY.PEEK[]`, so downloading never marks them read. After
/// [`Disposition::Handled`] the configured [`AfterHandling`] is applied to that message alone,
/// then the cursor moves past it; after [`Disposition::Skip`] the message stays untouched and
/// the cursor moves past it. A handler error stops the poll at that message, untouched and
/// reported in [`PollReport::failed`], and the cursor stays before it.
///
/// Delivery is at least once: a connection lost between handling a message and marking it
/// means the next poll hands it over again, so the handler must be idempotent. The poller
/// never deletes or moves a message the handler did not handle.
///
/// When the folder's UIDVALIDITY differs from the cursor's (the folder was recreated), reading
/// restarts at UID 1 under the new validity. The handled keyword (flag mode) and the move
/// (move mode) keep handled messages from coming back; in [`AfterHandling::Seen`] mode every
/// message comes back.
pub async fn poll_once<H, Fut, E>(
    cfg: &MailboxConfig,
    cursor: Cursor,
    mut handler: H,
) -> Result<PollReport, ImapError>
where
    H: FnMut(u32, Vec<u8>) -> Fut,
    Fut: Future<Output = Result<Disposition, E>>,
    E: Display,
{
    cfg.validate()?;
    let mut session = Session::open(cfg).await?;
    session.login(&cfg.username, &cfg.password).await?;
    let selected = session.select(&cfg.folder, false).await?;
    if selected.read_only {
        return Err(ImapError::FolderRefused {
            folder: cfg.folder.clone(),
            reason: "the server opened it read-only".into(),
        });
    }

    let mut report = PollReport {
        cursor,
        fetched: 0,
        handled: 0,
        skipped: 0,
        oversized: 0,
        failed: None,
        validity_reset: false,
        more: false,
    };
    if cursor.uid_validity != selected.uid_validity {
        if cursor != Cursor::default() {
            tracing::warn!(
                folder = %cfg.folder,
                old = cursor.uid_validity,
                new = selected.uid_validity,
                "folder UIDVALIDITY changed: reading it again from the start"
            );
        }
        report.validity_reset = cursor != Cursor::default();
        report.cursor = Cursor {
            uid_validity: selected.uid_validity,
            last_uid: 0,
        };
    }

    // Refuse before handling anything when the after-handling cannot be carried out.
    let criteria = match &cfg.after {
        AfterHandling::Flag(keyword) => {
            if let Some(flags) = &selected.permanent_flags {
                let allowed = flags
                    .iter()
                    .any(|f| f == "\\*" || f.eq_ignore_ascii_case(keyword));
                if !allowed {
                    return Err(ImapError::Unsupported(format!(
                        "the folder does not keep the keyword {keyword:?} (PERMANENTFLAGS)"
                    )));
                }
            }
            Some(format!("NOT KEYWORD {keyword}"))
        }
        AfterHandling::Move(dest) => {
            if !session.has("MOVE") && !session.has("UIDPLUS") {
                return Err(ImapError::Unsupported(
                    "moving messages needs MOVE (RFC 6851) or UIDPLUS (RFC 4315)".into(),
                ));
            }
            if !session.exists(dest).await? {
                tracing::info!(folder = %dest, "creating the folder for handled mail");
                session.create(dest).await?;
            }
            None
        }
        AfterHandling::Seen => None,
    };

    let Some(first) = report.cursor.last_uid.checked_add(1) else {
        session.logout().await;
        return Ok(report);
    };
    let search = match criteria {
        Some(c) => format!("UID {first}:* {c}"),
        None => format!("UID {first}:*"),
    };
    // `n:*` always includes the highest UID, even below n: filter again.
    let mut uids: Vec<u32> = session
        .uid_search(&search)
        .await?
        .into_iter()
        .filter(|&uid| uid >= first)
        .collect();
    report.more = uids.len() > cfg.batch;
    uids.truncate(cfg.batch);
    let sizes = session.sizes(&uids).await?;

    for uid in uids {
        let Some(&size) = sizes.get(&uid) else {
            tracing::debug!(uid, "message gone before it was read");
            report.cursor.last_uid = uid;
            continue;
        };
        if size > cfg.max_message_bytes {
            tracing::warn!(
                folder = %cfg.folder,
                uid,
                size,
                limit = cfg.max_message_bytes,
                "message too large: left in place unread"
            );
            report.oversized += 1;
            report.cursor.last_uid = uid;
            continue;
        }
        let Some(raw) = session.body(uid).await? else {
            tracing::debug!(uid, "message gone before it was read");
            report.cursor.last_uid = uid;
            continue;
        };
        report.fetched += 1;
        match handler(uid, raw).await {
            Ok(Disposition::Handled) => {
                match &cfg.after {
                    AfterHandling::Flag(keyword) => session.add_flags(uid, keyword).await?,
                    AfterHandling::Move(dest) => session.move_to(uid, dest).await?,
                    AfterHandling::Seen => session.add_flags(uid, "\\Seen").await?,
                }
                report.handled += 1;
                report.cursor.last_uid = uid;
            }
            Ok(Disposition::Skip) => {
                report.skipped += 1;
                report.cursor.last_uid = uid;
            }
            Err(e) => {
                let reason = e.to_string();
                tracing::warn!(folder = %cfg.folder, uid, error = %reason, "handler failed; will retry");
                report.failed = Some((uid, reason));
                break;
            }
        }
    }
    session.logout().await;
    Ok(report)
}
