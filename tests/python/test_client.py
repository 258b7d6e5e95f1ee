"""A Python client generated from proto/ ingests and queries: the proof that clients generated
in other languages work against the server."""
import grpc
from google.protobuf import json_format


def parse_inputs(stubs, lines):
    return [json_format.Parse(line, stubs.article_pb2.ArticleInput()) for line in lines]


def test_ingest_and_query_with_a_generated_client(stubs, server, fixture_lines):
    channel = grpc.insecure_channel(server.address)
    ingest = stubs.ingest_service_pb2_grpc.IngestServiceStub(channel)
    query = stubs.query_service_pb2_grpc.QueryServiceStub(channel)
    articles = parse_inputs(stubs, fixture_lines)
    bad = stubs.article_pb2.ArticleInput(external_id="empty", text="")
    stream = [articles[0], bad, articles[1], articles[0], articles[2]]
    requests = (stubs.ingest_service_pb2.IngestArticlesRequest(article=a) for a in stream)

    acks = list(ingest.IngestArticles(requests))

    Status = stubs.ingest_service_pb2.IngestStatus
    assert [a.sequence for a in acks] == [0, 1, 2, 3, 4]
    assert [a.status for a in acks] == [
        Status.INGEST_STATUS_CREATED,
        Status.INGEST_STATUS_REJECTED,
        Status.INGEST_STATUS_CREATED,
        Status.INGEST_STATUS_DUPLICATE,
        Status.INGEST_STATUS_CREATED,
    ]
    assert acks[1].error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "article.text" in acks[1].error.message
    assert acks[3].article_id == acks[0].article_id

    got = query.GetArticle(stubs.query_service_pb2.GetArticleRequest(name=f"articles/{acks[2].article_id}")).article
    assert got.text == articles[1].text
    assert got.external_id == articles[1].external_id
    assert dict(got.labels) == dict(articles[1].labels)

    listed = query.ListArticles(stubs.query_service_pb2.ListArticlesRequest(page_size=2))
    assert len(listed.articles) == 2 and listed.next_page_token
    rest = query.ListArticles(stubs.query_service_pb2.ListArticlesRequest(page_size=2, page_token=listed.next_page_token))
    assert len(rest.articles) == 1 and not rest.next_page_token
    assert [a.article_id for a in list(listed.articles) + list(rest.articles)] == [
        acks[0].article_id,
        acks[2].article_id,
        acks[4].article_id,
    ]

    statements = query.ListStatements(stubs.query_service_pb2.ListStatementsRequest(article_id=acks[0].article_id))
    assert len(statements.statements) == acks[0].statement_count
    facts = query.ListTradeFacts(stubs.query_service_pb2.ListTradeFactsRequest(article_id=acks[0].article_id))
    assert len(facts.trade_facts) == acks[0].trade_fact_count
    query.ListEntities(stubs.query_service_pb2.ListEntitiesRequest())

    analyzed = ingest.AnalyzeArticle(stubs.ingest_service_pb2.AnalyzeArticleRequest(article=articles[0])).article
    assert analyzed.text == articles[0].text and analyzed.article_id == ""


def test_errors_reach_a_generated_client_with_their_codes(stubs, server):
    channel = grpc.insecure_channel(server.address)
    query = stubs.query_service_pb2_grpc.QueryServiceStub(channel)
    try:
        query.GetArticle(stubs.query_service_pb2.GetArticleRequest(name="articles/missing"))
        raise AssertionError("expected NOT_FOUND")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND
    try:
        query.ListStatements(stubs.query_service_pb2.ListStatementsRequest(page_size=-5))
        raise AssertionError("expected INVALID_ARGUMENT")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        details = dict(error.trailing_metadata() or ())
        assert "grpc-status-details-bin" in details, "BadRequest details travel in the trailers"
