//! Stage 7: trade facts. Clauses are read for trigger words; amounts, commodities, changes and
//! periods have readers of their own.

pub mod amounts;
pub mod change;
pub mod clauses;
pub mod commodities;
pub mod facts;
pub mod period;
pub mod triggers;
pub mod words;

pub use facts::extract;
