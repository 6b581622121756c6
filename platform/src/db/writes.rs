//! Writes gathered while a change is worked out, each owning its parameters, so that they can
//! all go out at the end, in order, in the round trip that commits
//! (`PipelinedTransaction::commit_writes_with`) instead of one round trip each as they are found.

use tokio_postgres::types::ToSql;

use super::{CachedStatements, Statement};
use crate::audit::{self, AuditEntry};
use crate::error::ApiError;
use crate::outbox::{self, OutboxMessage};

/// A parameter a gathered write owns.
pub type OwnedParam = Box<dyn ToSql + Sync + Send>;

/// Writes in the order they must run, each with its own parameters, and the outbox messages
/// among them, kept to publish once the writes are committed.
#[derive(Default)]
pub struct Writes {
    statements: Vec<(&'static str, Vec<OwnedParam>)>,
    messages: Vec<OutboxMessage>,
}

impl Writes {
    /// No writes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a write after those already gathered (`owned_params!` builds `params`).
    pub fn push(&mut self, sql: &'static str, params: Vec<OwnedParam>) -> &mut Self {
        self.statements.push((sql, params));
        self
    }

    /// Adds the change's audit row.
    pub fn push_audit(&mut self, entry: &AuditEntry<'_>) -> &mut Self {
        self.push(
            audit::INSERT_SQL,
            crate::owned_params![
                entry.actor,
                entry.object_type.to_owned(),
                entry.object_id.clone(),
                entry.action.to_owned(),
                entry.payload.clone(),
                entry.request_id.map(str::to_owned),
            ],
        )
    }

    /// Adds an outbox message, when there is one (`notify::message` gives none for nobody): its
    /// row goes out with the other writes, and the message is kept to publish after COMMIT
    /// (`into_messages`). A message is recorded here and nowhere else.
    pub fn push_message(&mut self, message: Option<OutboxMessage>) -> &mut Self {
        if let Some(message) = message {
            self.push(outbox::INSERT_SQL, message.owned_params());
            self.messages.push(message);
        }
        self
    }

    /// Adds every write of `other` after these.
    pub fn append(&mut self, mut other: Writes) -> &mut Self {
        self.statements.append(&mut other.statements);
        self.messages.append(&mut other.messages);
        self
    }

    /// The outbox messages gathered, to publish once these writes are committed.
    pub fn into_messages(self) -> Vec<OutboxMessage> {
        self.messages
    }

    /// Whether none was gathered.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the gathered writes now, in order, in one round trip (for a transaction that goes
    /// on after them).
    pub async fn run(&self, tx: &impl CachedStatements) -> Result<(), ApiError> {
        if !self.is_empty() {
            let params = self.params();
            tx.query_in_order(&self.statements(&params)).await?;
        }
        Ok(())
    }

    /// The parameter lists borrowed, for `statements`.
    pub fn params(&self) -> Vec<Vec<&(dyn ToSql + Sync)>> {
        self.statements
            .iter()
            .map(|(_, params)| {
                params
                    .iter()
                    .map(|param| &**param as &(dyn ToSql + Sync))
                    .collect()
            })
            .collect()
    }

    /// The writes as statements over `params` (what `self.params()` returned).
    pub fn statements<'a>(
        &'a self,
        params: &'a [Vec<&'a (dyn ToSql + Sync)>],
    ) -> Vec<Statement<'a>> {
        self.statements
            .iter()
            .zip(params)
            .map(|((sql, _), params)| (*sql, &params[..]))
            .collect()
    }
}

/// Boxes each expression as an owned parameter of a gathered write (`Writes::push`).
#[macro_export]
macro_rules! owned_params {
    ($($param:expr),* $(,)?) => {
        vec![$(Box::new($param) as $crate::db::OwnedParam),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::Queue;

    fn message(kind: &str) -> OutboxMessage {
        OutboxMessage::new(
            Queue::Notification,
            serde_json::json!({ "kind": kind }),
            std::time::Duration::ZERO,
        )
    }

    #[test]
    fn a_message_is_written_and_kept_to_publish_once_and_none_is_nothing() {
        let mut writes = Writes::new();
        writes
            .push_message(Some(message("first")))
            .push_message(None);
        let mut later = Writes::new();
        later.push_message(Some(message("second")));
        writes.append(later);
        let params = writes.params();
        let statements = writes.statements(&params);
        assert_eq!(statements.len(), 2);
        assert!(statements.iter().all(|(sql, _)| *sql == outbox::INSERT_SQL));
        let kinds: Vec<_> = writes
            .into_messages()
            .iter()
            .map(|m| serde_json::from_str::<serde_json::Value>(&m.body()).unwrap()["kind"].clone())
            .collect();
        assert_eq!(kinds, ["first", "second"]);
    }
}
