use super::*;
use crate::extract::sentences;

fn run(text: &str) -> Vec<Statement> {
    let offsets = CharOffsets::new(text);
    let sentences = sentences::split(text, &offsets);
    extract(text, &sentences, &offsets, &ArticleEntities::default())
}

#[test]
fn said_after_content() {
    let got = run("Exports to Chile will double next year, the trade minister said.");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].content, "Exports to Chile will double next year");
}
