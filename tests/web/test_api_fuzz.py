"""Schemathesis against the published OpenAPI document (/api/openapi.json), through the app's WSGI interface: no
generated request, valid or not, gets a server error (issue 14 §4). Bounded: a few dozen examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from sqlalchemy import select

from lms.bureau import services as bureau_services
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import OrgKind, Organisation


@pytest.fixture
def bearer(app) -> str:
    """A valid bureau token, so the token-guarded operations are exercised past the 401."""
    with app.app_context():
        session = get_session()
        bureau = session.scalar(select(Organisation).where(Organisation.slug == "fuzz-bureau"))
        if bureau is None:
            bureau = orgs.create_organisation(session, name="Fuzz bureau", slug="fuzz-bureau", kind=OrgKind.BUREAU.value)
        _record, secret = bureau_services.create_token(session, org_id=bureau.id, name="fuzz", created_by_id=None)
        session.commit()
    return secret


def test_no_generated_request_gets_a_server_error(app, bearer):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:
        guarded = "bearer" in str(operation.definition.raw.get("security", ""))

        @settings(max_examples=20)
        @given(st.one_of(operation.as_strategy(mode) for mode in GenerationMode))  # valid and invalid requests
        def call(case):
            if guarded:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {bearer}"}
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])

        call()
