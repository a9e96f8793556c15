"""Property-based fuzzing of the JSON API against its own OpenAPI description (schemathesis): whatever
the input, no 5xx, and every answer matches the documented schema (the Atom feeds included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from papertalk.config import Settings
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import upgrade
from tests.web_world import load_world, served


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.schemas.BaseSchema]:
    directory: Path = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{directory / 'web.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    load_world(engine, directory)
    engine.dispose()
    with served(Settings.from_env({"PAPERTALK_DATABASE_URL": url})) as base:
        yield schemathesis.openapi.from_url(base + "/api/v1/openapi.json")


@pytest.mark.slow
def test_api_never_fails_and_answers_as_documented(api_schema: schemathesis.schemas.BaseSchema) -> None:
    # Driven by hand (not schemathesis' pytest plugin, which does not support this pytest): each operation's
    # strategy of generated requests, a bounded number of examples each.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # trending, about, papers, similar papers, posts, search; the Atom feeds (trending, posts, paper, search,
    # summaries, a paper's and a person's summaries, digests, a private digest); me and revoking a token;
    # follows, blocks, settings, networks; lists and their items; summaries, notes, comments and votes; for
    # you: signed out, the reads answer, the personal ones and the writes 401 (or 400 for a bad body)
    assert len(operations) == 49
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        call()
