"""PostgreSQL and Redis for the tests that run several server processes (`.ci/run` starts both
and sets QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL; without them those tests skip)."""
import os
import uuid

import pytest

PG = os.environ.get("QUIZ_TEST_POSTGRES_URL")
REDIS = os.environ.get("QUIZ_TEST_REDIS_URL")
needs_services = pytest.mark.skipif(not (PG and REDIS),
                                    reason="needs QUIZ_TEST_POSTGRES_URL and QUIZ_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS, reason="needs QUIZ_TEST_REDIS_URL")


@pytest.fixture
def pg_database():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"quiz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
