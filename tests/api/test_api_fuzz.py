"""Schemathesis against /api/v1/openapi.json, in process: for generated valid and invalid
requests to every operation, no 5xx, and every answer is one the document declares (status,
content type, headers, body schema); requests the document calls invalid are refused.

Bounded and derandomized: the same few hundred requests on every run, well under a minute.
Each operation gets its own Hypothesis run over ``APIOperation.as_strategy`` rather than
``schemathesis.pytest.from_fixture(...).parametrize()``, whose subtests break on pytest 9
(``'Function' object has no attribute '_nodeid'``); the app comes from fixtures either way.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 50  # per run and mode: at most 7 × 2 × 50 requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
OPERATIONS = ["/api/v1/rede", "/api/v1/rede/dentista/{id}", "/api/v1/planos/{slug}",
              "/api/v1/planos/{slug}/carencias", "/api/v1/planos/{slug}/coberturas"]
# A generated IBGE code is almost never a municipality: searches from Niterói, where the test
# network is, reach the search itself with generated filters, names and pages.
FROM_NITEROI = {"plano": "leve-dental-rj-1-adesao", "municipio": "3303302"}
RUNS = [(path, None) for path in OPERATIONS] + [("/api/v1/rede", FROM_NITEROI)]
# Generated words rarely name a procedure: "canal" reaches the answers with generated dates.
RUNS.append(("/api/v1/planos/{slug}/coberturas", {"q": "canal"}))


@pytest.fixture
def api_schema(app, small_network):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_fuzzed_operations_are_all_the_documents(api_schema):
    assert sorted(op.path for op in (r.ok() for r in api_schema.get_all_operations())) == sorted(OPERATIONS)


@pytest.mark.slow  # hundreds of generated requests
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("path", "fixed"), RUNS, ids=[p + (" from-niteroi" if q else "") for p, q in RUNS])
def test_the_api_keeps_its_documented_promises(api_schema, path, fixed, mode):
    operation = api_schema[path]["GET"]

    # The app and its database are the test's own (one transaction, rolled back at the end):
    # generated requests only read, so every example may share them.
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=operation.as_strategy(generation_mode=mode, query=fixed))
    def run(case):
        # Uncompressed answers: schemathesis's WSGI transport reads bodies as sent.
        case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

    run()
