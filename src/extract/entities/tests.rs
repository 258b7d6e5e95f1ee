//! Tests of entity recognition and coreference, on made-up wire copy.
