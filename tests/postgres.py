"""The PostgreSQL server the shared-gradebook tests run against (started by scripts/postgres, which scripts/test calls).

Tests that need it call ``fresh_database_url``: a new, empty database on that server for one course. Without
MEDIALIT_TEST_POSTGRES_URL they fail (never skip) with the command that starts a server: a PostgreSQL test that
quietly does not run would pass for a database nobody tried.
"""
from __future__ import annotations

import os
import uuid

import pytest

URL_VARIABLE = "MEDIALIT_TEST_POSTGRES_URL"


def server_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        pytest.fail(f"{URL_VARIABLE} is not set: this test runs against PostgreSQL. Start a throw-away server with "
                    "`eval \"$(bash scripts/postgres start)\"` (and `bash scripts/postgres stop` after); "
                    "scripts/test does both itself.", pytrace=False)
    return url


def fresh_database_url(prefix: str) -> str:
    """Create an empty database on the test server and return its SQLAlchemy URL (password included)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(server_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)
