//! Writes send records and step outcomes in batches. Every sender waits until its records are
//! committed (so an accepted message is never reported sent without its record), but the
//! records of every sender that arrived meanwhile share one transaction: one durable commit
//! per batch instead of one per message.

use tokio::sync::{mpsc, oneshot};
use veto_domain::audit::AuditDraft;
use veto_domain::id::TenantId;
use veto_domain::send::SendRecord;
use veto_store::{DynStore, StepOutcome, StoreError};

/// Records per transaction, at most.
const BATCH: usize = 2000;

enum Job {
    Sends {
        sends: Vec<SendRecord>,
        drafts: Vec<(TenantId, AuditDraft)>,
        ack: oneshot::Sender<Result<(), String>>,
    },
    Steps {
        outcomes: Vec<StepOutcome>,
        ack: oneshot::Sender<Result<(), String>>,
    },
}

impl Job {
    fn size(&self) -> usize {
        match self {
            Job::Sends { sends, drafts, .. } => sends.len() + drafts.len(),
            Job::Steps { outcomes, .. } => outcomes.len(),
        }
    }
}

/// The handle senders write through. Cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::UnboundedSender<Job>,
}

impl Recorder {
    /// Starts the writer task on `store`.
    pub fn start(store: DynStore) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(store, rx));
        Self { tx }
    }

    /// Stores send attempts (and audit events) and returns once they are committed.
    pub async fn sends(
        &self,
        sends: Vec<SendRecord>,
        drafts: Vec<(TenantId, AuditDraft)>,
    ) -> Result<(), StoreError> {
        if sends.is_empty() && drafts.is_empty() {
            return Ok(());
        }
        let (ack, rx) = oneshot::channel();
        self.tx
            .send(Job::Sends { sends, drafts, ack })
            .map_err(|_| StoreError::Other("the send recorder stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Other("the send recorder stopped".into()))?
            .map_err(StoreError::Other)
    }

    /// Stores claimed steps' outcomes and returns once they are committed.
    pub async fn steps(&self, outcomes: Vec<StepOutcome>) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let (ack, rx) = oneshot::channel();
        self.tx
            .send(Job::Steps { outcomes, ack })
            .map_err(|_| StoreError::Other("the send recorder stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Other("the send recorder stopped".into()))?
            .map_err(StoreError::Other)
    }
}

async fn run(store: DynStore, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut size = first.size();
        let mut jobs = vec![first];
        while size < BATCH {
            match rx.try_recv() {
                Ok(j) => {
                    size += j.size();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        write(&store, jobs).await;
    }
}

/// Writes a batch: the send records of every job in one transaction, the step outcomes in
/// another. When a shared transaction fails, its jobs are tried one by one, so one bad record
/// fails only its own sender.
async fn write(store: &DynStore, jobs: Vec<Job>) {
    let mut send_jobs = Vec::new();
    let mut step_jobs = Vec::new();
    for j in jobs {
        match j {
            Job::Sends { sends, drafts, ack } => send_jobs.push((sends, drafts, ack)),
            Job::Steps { outcomes, ack } => step_jobs.push((outcomes, ack)),
        }
    }
    if !send_jobs.is_empty() {
        let sends: Vec<_> = send_jobs.iter().flat_map(|j| j.0.iter().cloned()).collect();
        let drafts: Vec<_> = send_jobs.iter().flat_map(|j| j.1.iter().cloned()).collect();
        match store.record_sends(sends, drafts).await {
            Ok(()) => {
                for (_, _, ack) in send_jobs {
                    let _ = ack.send(Ok(()));
                }
            }
            Err(e) if send_jobs.len() == 1 => {
                for (_, _, ack) in send_jobs {
                    let _ = ack.send(Err(e.to_string()));
                }
            }
            Err(_) => {
                for (sends, drafts, ack) in send_jobs {
                    let r = store.record_sends(sends, drafts).await;
                    let _ = ack.send(r.map_err(|e| e.to_string()));
                }
            }
        }
    }
    if !step_jobs.is_empty() {
        let outcomes: Vec<_> = step_jobs.iter().flat_map(|j| j.0.iter().cloned()).collect();
        match store.finish_steps(outcomes).await {
            Ok(()) => {
                for (_, ack) in step_jobs {
                    let _ = ack.send(Ok(()));
                }
            }
            Err(e) if step_jobs.len() == 1 => {
                for (_, ack) in step_jobs {
                    let _ = ack.send(Err(e.to_string()));
                }
            }
            Err(_) => {
                for (outcomes, ack) in step_jobs {
                    let r = store.finish_steps(outcomes).await;
                    let _ = ack.send(r.map_err(|e| e.to_string()));
                }
            }
        }
    }
}
