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

/// Writes in the order they must run, each with its own parameters.
#[derive(Default)]
pub struct Writes {
    statements: Vec<(&'static str, Vec<OwnedParam>)>,
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

    /// Adds an outbox message, when there is one (`notify::message` gives none for nobody).
    pub fn push_message(&mut self, message: Option<&OutboxMessage>) -> &mut Self {
        if let Some(message) = message {
            self.push(outbox::INSERT_SQL, message.owned_params());
        }
        self
    }

    /// Adds every write of `other` after these.
    pub fn append(&mut self, mut other: Writes) -> &mut Self {
        self.statements.append(&mut other.statements);
        self
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
