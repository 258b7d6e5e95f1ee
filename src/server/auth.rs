//! Optional API keys with scopes, read from a file and reloaded on SIGHUP.
//!
//! The file holds one key per line: a name (used in logs instead of the key), the key, and its
//! scopes, separated by white space; `#` starts a comment:
//!
//! ```text
//! # name      key                                 scopes
//! loader      4f1c0d6e9a7b48e2b3c5a1f0d9e8c7b6    ingest
//! dashboard   9a8b7c6d5e4f30211f2e3d4c5b6a7980    query
//! admin       0b1c2d3e4f5a69788796a5b4c3d2e1f0    ingest,query
//! ```
//!
//! Clients send `authorization: Bearer <key>`. Keys are kept only as SHA-256 digests and
//! compared in constant time, against every entry, so neither the comparison nor the position
//! of a match leaks through timing. Health and reflection stay open: only the newsfacts
//! services are wrapped by a [`ScopeGuard`].

use super::ApiError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use subtle::ConstantTimeEq;
use tonic::{Request, Status, service::Interceptor};

/// Shortest key accepted, in characters: shorter keys are guessable.
pub const MIN_KEY_CHARS: usize = 16;

/// What a key allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `IngestService`: `IngestArticles` and `AnalyzeArticle`.
    Ingest,
    /// `QueryService`: every read and `WatchFacts`.
    Query,
}

impl Scope {
    /// The scope's name in the keys file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ingest => "ingest",
            Self::Query => "query",
        }
    }

    fn parse(word: &str) -> Option<Self> {
        match word {
            "ingest" => Some(Self::Ingest),
            "query" => Some(Self::Query),
            _ => None,
        }
    }
}

/// A keys file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeysFileError {
    /// The file cannot be read.
    #[error("cannot read the keys file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line is malformed.
    #[error("keys file {path}, line {line}: {reason}")]
    Line {
        /// The file.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// What is wrong (never the key itself).
        reason: String,
    },
    /// The file holds no key, which would lock every client out.
    #[error("keys file {0} holds no key")]
    Empty(PathBuf),
}

/// One key: its name, the SHA-256 digest of the key, and its scopes.
#[derive(Debug, Clone)]
struct KeyEntry {
    name: String,
    digest: [u8; 32],
    ingest: bool,
    query: bool,
}

impl KeyEntry {
    fn allows(&self, scope: Scope) -> bool {
        match scope {
            Scope::Ingest => self.ingest,
            Scope::Query => self.query,
        }
    }
}

/// The keys of one version of the file.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    entries: Vec<KeyEntry>,
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

impl KeySet {
    /// Parses a keys file's text; `path` only labels errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, KeysFileError> {
        let mut entries: Vec<KeyEntry> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let bad = |reason: String| KeysFileError::Line {
                path: path.to_owned(),
                line,
                reason,
            };
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let fields: Vec<&str> = content.split_whitespace().collect();
            let [name, key, scopes] = fields[..] else {
                return Err(bad(format!(
                    "expected `NAME KEY SCOPES`, found {} fields",
                    fields.len()
                )));
            };
            if key.chars().count() < MIN_KEY_CHARS {
                // Said without the name: with its columns swapped, the name would be the key.
                return Err(bad(format!(
                    "the key is shorter than {MIN_KEY_CHARS} characters"
                )));
            }
            let mut entry = KeyEntry {
                name: name.to_owned(),
                digest: digest(key),
                ingest: false,
                query: false,
            };
            for word in scopes.split(',').filter(|w| !w.is_empty()) {
                match Scope::parse(word) {
                    Some(Scope::Ingest) => entry.ingest = true,
                    Some(Scope::Query) => entry.query = true,
                    None => {
                        return Err(bad(format!(
                            "unknown scope {word:?} (expected ingest, query)"
                        )));
                    }
                }
            }
            if entries.iter().any(|e| e.name == entry.name) {
                return Err(bad("the name is used twice on an earlier line".to_owned()));
            }
            if entries.iter().any(|e| e.digest == entry.digest) {
                return Err(bad("the key is used twice on an earlier line".to_owned()));
            }
            entries.push(entry);
        }
        if entries.is_empty() {
            return Err(KeysFileError::Empty(path.to_owned()));
        }
        Ok(Self { entries })
    }

    /// Reads and parses a keys file.
    pub fn load(path: &Path) -> Result<Self, KeysFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeysFileError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry whose key is `key`. Every entry is compared, in constant time, whatever
    /// matches.
    fn find(&self, key: &str) -> Option<&KeyEntry> {
        let presented = digest(key);
        let mut found = None;
        for entry in &self.entries {
            if bool::from(entry.digest.ct_eq(&presented)) {
                found = Some(entry);
            }
        }
        found
    }
}

/// The keys in force, shared by every guard and replaced as a whole on reload.
#[derive(Debug, Clone)]
pub struct Keys {
    path: PathBuf,
    current: Arc<RwLock<Arc<KeySet>>>,
}

impl Keys {
    /// Loads the keys file at `path`.
    pub fn load(path: impl Into<PathBuf>) -> Result<Self, KeysFileError> {
        let path = path.into();
        let set = KeySet::load(&path)?;
        Ok(Self {
            path,
            current: Arc::new(RwLock::new(Arc::new(set))),
        })
    }

    /// Reads the file again. On error the keys in force stay as they were.
    pub fn reload(&self) -> Result<usize, KeysFileError> {
        let set = KeySet::load(&self.path)?;
        let count = set.len();
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        *current = Arc::new(set);
        Ok(count)
    }

    fn snapshot(&self) -> Arc<KeySet> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reloads the file on every SIGHUP, until the process ends.
    pub fn reload_on_sighup(&self) {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let keys = self.clone();
            match signal(SignalKind::hangup()) {
                Ok(mut hangups) => {
                    tokio::spawn(async move {
                        while hangups.recv().await.is_some() {
                            match keys.reload() {
                                Ok(count) => tracing::info!(count, "reloaded the API keys"),
                                Err(error) => {
                                    tracing::error!(%error, "kept the previous API keys")
                                }
                            }
                        }
                    });
                }
                Err(error) => tracing::error!(%error, "cannot listen for SIGHUP"),
            }
        }
    }
}

/// The name of the key that authorized a request, in the request's extensions.
#[derive(Debug, Clone)]
pub struct Caller(pub String);

/// A tonic interceptor that admits a request only with a key that has its scope; without
/// keys (no keys file) it admits every request.
#[derive(Debug, Clone)]
pub struct ScopeGuard {
    keys: Option<Keys>,
    scope: Scope,
}

impl ScopeGuard {
    /// The guard of a service that needs `scope`, or lets everyone in when `keys` is `None`.
    pub fn new(keys: Option<&Keys>, scope: Scope) -> Self {
        Self {
            keys: keys.cloned(),
            scope,
        }
    }

    fn check(&self, request: &Request<()>) -> Result<Option<Caller>, ApiError> {
        let Some(keys) = &self.keys else {
            return Ok(None);
        };
        let header = request
            .metadata()
            .get("authorization")
            .ok_or(ApiError::Unauthenticated("no API key"))?;
        let key = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthenticated("malformed authorization header"))?;
        let keys = keys.snapshot();
        let entry = keys
            .find(key)
            .ok_or(ApiError::Unauthenticated("unknown API key"))?;
        if !entry.allows(self.scope) {
            return Err(ApiError::PermissionDenied {
                caller: entry.name.clone(),
                scope: self.scope.name(),
            });
        }
        Ok(Some(Caller(entry.name.clone())))
    }
}

impl Interceptor for ScopeGuard {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        match self.check(&request) {
            Ok(caller) => {
                if let Some(caller) = caller {
                    request.extensions_mut().insert(caller);
                }
                Ok(request)
            }
            Err(error) => {
                tracing::info!(%error, scope = self.scope.name(), "refused a call");
                Err(error.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# name key scopes\n\
        loader  aaaaaaaaaaaaaaaa1111  ingest\n\
        reader  bbbbbbbbbbbbbbbb2222  query   # the dashboard\n\
        \n\
        admin   cccccccccccccccc3333  ingest,query\n";

    fn keys() -> KeySet {
        KeySet::parse(FILE, Path::new("keys.txt")).expect("valid file")
    }

    fn request(header: Option<&str>) -> Request<()> {
        let mut request = Request::new(());
        if let Some(value) = header {
            request
                .metadata_mut()
                .insert("authorization", value.parse().expect("ascii"));
        }
        request
    }

    fn guard(scope: Scope) -> ScopeGuard {
        let keys = Keys {
            path: PathBuf::from("keys.txt"),
            current: Arc::new(RwLock::new(Arc::new(keys()))),
        };
        ScopeGuard::new(Some(&keys), scope)
    }

    #[test]
    fn parses_names_keys_and_scopes() {
        let set = keys();
        assert_eq!(set.len(), 3);
        let admin = set.find("cccccccccccccccc3333").expect("admin key");
        assert_eq!(admin.name, "admin");
        assert!(admin.allows(Scope::Ingest) && admin.allows(Scope::Query));
        assert!(set.find("cccccccccccccccc333").is_none());
    }

    #[test]
    fn rejects_bad_lines_without_echoing_the_key() {
        for (text, fragment) in [
            ("a short ingest", "shorter than 16"),
            ("a aaaaaaaaaaaaaaaa1111 write", "unknown scope \"write\""),
            ("a aaaaaaaaaaaaaaaa1111", "found 2 fields"),
            (
                "a aaaaaaaaaaaaaaaa1111 query\na bbbbbbbbbbbbbbbb2222 query",
                "name is used twice",
            ),
            (
                "a aaaaaaaaaaaaaaaa1111 query\nb aaaaaaaaaaaaaaaa1111 query",
                "key is used twice",
            ),
        ] {
            let error = KeySet::parse(text, Path::new("k")).expect_err(text);
            let message = error.to_string();
            assert!(message.contains(fragment), "{message}");
            assert!(!message.contains("1111"), "the key leaked: {message}");
        }
        assert!(matches!(
            KeySet::parse("# only a comment\n", Path::new("k")),
            Err(KeysFileError::Empty(_))
        ));
    }

    #[test]
    fn guard_codes() {
        let code = |scope, header| {
            guard(scope)
                .call(request(header))
                .err()
                .map(|status| status.code())
        };
        assert_eq!(code(Scope::Query, None), Some(tonic::Code::Unauthenticated));
        assert_eq!(
            code(Scope::Query, Some("Basic bbbbbbbbbbbbbbbb2222")),
            Some(tonic::Code::Unauthenticated)
        );
        assert_eq!(
            code(Scope::Query, Some("Bearer wrongwrongwrongwrong")),
            Some(tonic::Code::Unauthenticated)
        );
        assert_eq!(
            code(Scope::Query, Some("Bearer aaaaaaaaaaaaaaaa1111")),
            Some(tonic::Code::PermissionDenied)
        );
        assert_eq!(
            code(Scope::Query, Some("Bearer bbbbbbbbbbbbbbbb2222")),
            None
        );
        assert_eq!(
            code(Scope::Ingest, Some("Bearer cccccccccccccccc3333")),
            None
        );
        let open = ScopeGuard::new(None, Scope::Ingest).call(request(None));
        assert!(open.is_ok(), "without keys every call is admitted");
    }

    #[test]
    fn a_failed_reload_keeps_the_keys_in_force() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("keys.txt");
        std::fs::write(&path, FILE).expect("write");
        let keys = Keys::load(&path).expect("load");
        std::fs::write(&path, "broken line\n").expect("write");
        assert!(keys.reload().is_err());
        assert_eq!(keys.snapshot().len(), 3);
        std::fs::write(&path, "solo dddddddddddddddd4444 query\n").expect("write");
        assert_eq!(keys.reload().expect("reload"), 1);
        assert!(keys.snapshot().find("aaaaaaaaaaaaaaaa1111").is_none());
    }
}
