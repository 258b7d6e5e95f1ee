//! The extraction flags that `extract` and `serve` share: how to read what annotation
//! conventions leave open.

use crate::extract::{Attributions, Continuations, Options};

/// How extraction reads what the annotation conventions leave open.
#[derive(Debug, Clone, clap::Args)]
pub struct ConventionArgs {
    /// A quotation that goes on after its cue's sentence (`"A," she said. "B."`): a statement
    /// of its own (`separate`) or part of the cued one (`merged`).
    #[arg(long, env = "NEWSFACTS_CONTINUATIONS", value_enum, default_value_t)]
    pub continuations: Continuations,
    /// Which attributions are statements: speech only (`speech`), or also what a source
    /// thinks, finds or intends (`all`: "I think ...", "polls show ...", "wants to ...").
    #[arg(long, env = "NEWSFACTS_ATTRIBUTIONS", value_enum, default_value_t)]
    pub attributions: Attributions,
}

impl ConventionArgs {
    /// The extraction options the flags ask for.
    pub fn options(&self) -> Options {
        Options {
            continuations: self.continuations,
            attributions: self.attributions,
        }
    }
}
