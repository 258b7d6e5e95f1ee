//! Stage 7: trade facts. This module holds the readers of amounts; the fact assembly builds on
//! them.

pub mod amounts;
pub mod change;
pub mod commodities;
pub mod period;
pub mod words;
