"""The public JSON API in tests: its OpenAPI document (fixture ``spec``) and a validator of an
answer against one of the document's schemas."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator, FormatChecker


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def validator(spec: dict, schema_name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())
