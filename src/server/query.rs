//! `QueryService`: an adapter from RPCs to the store.

use super::{error::ApiError, filters, paging};
use crate::api::v1::{
    ArticleView, GetArticleRequest, GetArticleResponse, ListArticlesRequest, ListArticlesResponse,
    ListEntitiesRequest, ListEntitiesResponse, ListStatementsRequest, ListStatementsResponse,
    ListTradeFactsRequest, ListTradeFactsResponse, WatchFactsRequest, WatchFactsResponse,
    query_service_server::QueryService, watch_facts_response::Fact,
};
use crate::pipeline::{FactBus, FactEvent, PipelineError};
use crate::store::Store;
use futures::Stream;
use prost::Message;
use std::{pin::Pin, sync::Arc};
use tokio::sync::{broadcast::error::RecvError, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

/// Serves `newsfacts.v1.QueryService` from a store and a bus of committed facts.
pub struct QueryApi {
    store: Arc<dyn Store>,
    facts: FactBus,
    shutdown: CancellationToken,
}

impl QueryApi {
    /// A query service over `store`, watching `facts`; watches end when `shutdown` fires.
    pub fn new(store: Arc<dyn Store>, facts: FactBus, shutdown: CancellationToken) -> Self {
        Self {
            store,
            facts,
            shutdown,
        }
    }
}

/// The request's filters in a stable encoding: the method's name, then the message with its
/// paging fields cleared. The name binds a page token to its method: without it, a token of
/// `ListArticles` with no filters was taken by `ListStatements` with no filters (both encode
/// to nothing, and both page by sequence number), which then skipped statements silently.
fn filter_bytes<M: Message + Clone>(
    method: &str,
    request: &M,
    clear: impl FnOnce(&mut M),
) -> Vec<u8> {
    let mut copy = request.clone();
    clear(&mut copy);
    let mut bytes = method.as_bytes().to_vec();
    bytes.push(0);
    bytes.extend_from_slice(&copy.encode_to_vec());
    bytes
}

fn view_or(view: i32, default: ArticleView) -> Result<ArticleView, ApiError> {
    match ArticleView::try_from(view) {
        Ok(ArticleView::Unspecified) => Ok(default),
        Ok(view) => Ok(view),
        Err(_) => Err(ApiError::field(
            "view",
            format!("{view} is not a known value"),
            "INVALID_ENUM_VALUE",
        )),
    }
}

fn article_id_from_name(name: &str) -> Result<&str, ApiError> {
    name.strip_prefix("articles/")
        .filter(|id| !id.is_empty() && !id.contains('/'))
        .ok_or_else(|| ApiError::field("name", "must be \"articles/{article_id}\"", "INVALID_NAME"))
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<WatchFactsResponse, Status>> + Send>>;

#[tonic::async_trait]
impl QueryService for QueryApi {
    #[tracing::instrument(skip_all, fields(name = %request.get_ref().name))]
    async fn get_article(
        &self,
        request: Request<GetArticleRequest>,
    ) -> Result<Response<GetArticleResponse>, Status> {
        let request = request.into_inner();
        let article_id = article_id_from_name(&request.name)?;
        let view = view_or(request.view, ArticleView::Full)?;
        let article = self
            .store
            .get_article(article_id, view)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::NotFound(request.name.clone()))?;
        Ok(Response::new(GetArticleResponse {
            article: Some(article),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_articles(
        &self,
        request: Request<ListArticlesRequest>,
    ) -> Result<Response<ListArticlesResponse>, Status> {
        let request = request.into_inner();
        let filter = filters::article_filter(&request)?;
        let view = view_or(request.view, ArticleView::Basic)?;
        let key = filter_bytes("ListArticles", &request, |r| {
            (r.page_size, r.page_token) = (0, String::new())
        });
        let page = paging::page_request(request.page_size, &request.page_token, &key)?;
        let result = self
            .store
            .list_articles(&filter, view, &page)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(ListArticlesResponse {
            articles: result.items,
            next_page_token: paging::next_page_token(result.next_after.as_deref(), &key),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_statements(
        &self,
        request: Request<ListStatementsRequest>,
    ) -> Result<Response<ListStatementsResponse>, Status> {
        let request = request.into_inner();
        let filter = filters::statement_filter(&request)?;
        let key = filter_bytes("ListStatements", &request, |r| {
            (r.page_size, r.page_token) = (0, String::new())
        });
        let page = paging::page_request(request.page_size, &request.page_token, &key)?;
        let result = self
            .store
            .list_statements(&filter, &page)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(ListStatementsResponse {
            statements: result.items,
            next_page_token: paging::next_page_token(result.next_after.as_deref(), &key),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_trade_facts(
        &self,
        request: Request<ListTradeFactsRequest>,
    ) -> Result<Response<ListTradeFactsResponse>, Status> {
        let request = request.into_inner();
        let filter = filters::trade_fact_filter(&request)?;
        let key = filter_bytes("ListTradeFacts", &request, |r| {
            (r.page_size, r.page_token) = (0, String::new())
        });
        let page = paging::page_request(request.page_size, &request.page_token, &key)?;
        let result = self
            .store
            .list_trade_facts(&filter, &page)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(ListTradeFactsResponse {
            trade_facts: result.items,
            next_page_token: paging::next_page_token(result.next_after.as_deref(), &key),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_entities(
        &self,
        request: Request<ListEntitiesRequest>,
    ) -> Result<Response<ListEntitiesResponse>, Status> {
        let request = request.into_inner();
        let filter = filters::entity_filter(&request)?;
        let key = filter_bytes("ListEntities", &request, |r| {
            (r.page_size, r.page_token) = (0, String::new())
        });
        let page = paging::page_request(request.page_size, &request.page_token, &key)?;
        let result = self
            .store
            .list_entities(&filter, &page)
            .await
            .map_err(ApiError::from)?;
        Ok(Response::new(ListEntitiesResponse {
            entities: result.items,
            next_page_token: paging::next_page_token(result.next_after.as_deref(), &key),
        }))
    }

    type WatchFactsStream = WatchStream;

    #[tracing::instrument(skip_all)]
    async fn watch_facts(
        &self,
        request: Request<WatchFactsRequest>,
    ) -> Result<Response<WatchStream>, Status> {
        let (statements, trade_facts) = filters::watch_filters(request.get_ref())?;
        let mut receiver = self.facts.subscribe();
        let (sender, out) = mpsc::channel(64);
        let shutdown = self.shutdown.clone();
        tokio::spawn(tracing::Instrument::in_current_span(async move {
            loop {
                let received = tokio::select! {
                    received = receiver.recv() => received,
                    () = sender.closed() => return, // the watcher went away
                    () = shutdown.cancelled() => {
                        let _ = sender.send(Err(ApiError::Pipeline(PipelineError::ShuttingDown).into())).await;
                        return;
                    }
                };
                let fact = match received {
                    Ok(event) => match event.as_ref() {
                        FactEvent::Statement(s)
                            if statements.as_ref().is_some_and(|f| f.matches(s)) =>
                        {
                            Fact::Statement(s.as_ref().clone())
                        }
                        FactEvent::TradeFact(t)
                            if trade_facts.as_ref().is_some_and(|f| f.matches(t)) =>
                        {
                            Fact::TradeFact(t.as_ref().clone())
                        }
                        _ => continue,
                    },
                    Err(RecvError::Lagged(n)) => {
                        let _ = sender.send(Err(ApiError::Lagged(n).into())).await;
                        return;
                    }
                    Err(RecvError::Closed) => return,
                };
                if sender
                    .send(Ok(WatchFactsResponse { fact: Some(fact) }))
                    .await
                    .is_err()
                {
                    return; // the watcher went away
                }
            }
        }));
        Ok(Response::new(
            Box::pin(ReceiverStream::new(out)) as WatchStream
        ))
    }
}
