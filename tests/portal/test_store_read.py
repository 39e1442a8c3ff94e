"""core.store's read of a page-cache hit: one MGET on a pool connection (RedisStore.read)."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core import store

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_store():
    chosen = store.RedisStore()
    client = store.redis_client()
    yield chosen, client
    store.forget_failures()


def test_a_hit_reads_what_was_written(redis_store):
    chosen, _ = redis_store
    chosen.write("page:test-read", ("200 OK", [], b"<html></html>"), 30)
    found, along = chosen.read(["page:test-read", "page:test-absent"])
    assert found == {"page:test-read": ("200 OK", [], b"<html></html>")}
    assert along is False


def test_a_connection_that_fails_mid_read_is_dropped_and_the_read_is_a_miss(redis_store, monkeypatch):
    chosen, client = redis_store
    chosen.write("page:test-read", ("200 OK", [], b"x"), 30)
    pool = client.connection_pool
    connection = pool.get_connection()
    pool.release(connection)  # the connection the next read takes
    monkeypatch.setattr(
        connection, "read_response", lambda *a, **k: (_ for _ in ()).throw(RedisConnectionError("reset"))
    )

    assert chosen.read(["page:test-read"]) == ({}, False)  # a miss: the page is built, not a 500
    assert connection._sock is None  # dropped, not handed to the next read half-read
    monkeypatch.undo()
    store.forget_failures()
    assert chosen.read(["page:test-read"])[0] == {"page:test-read": ("200 OK", [], b"x")}


def test_commands_sent_along_go_in_the_same_write_and_an_error_reply_fails_the_read(redis_store):
    chosen, client = redis_store
    chosen.write("page:test-read", ("200 OK", [], b"x"), 30)
    client.delete("test:along", "test:not-a-hash")
    found, along = chosen.read(["page:test-read"], along=[lambda pipeline: pipeline.hincrby("test:along", "7", 1)])
    assert (found, along) == ({"page:test-read": ("200 OK", [], b"x")}, True)
    assert client.hget("test:along", "7") == b"1"

    client.set("test:not-a-hash", "x")  # HINCRBY on a string: an error reply
    assert chosen.read(["page:test-read"], along=[lambda pipeline: pipeline.hincrby("test:not-a-hash", "7", 1)]) == (
        {},
        False,
    )
    store.forget_failures()
    assert chosen.read(["page:test-read"])[0] == {"page:test-read": ("200 OK", [], b"x")}  # the connection is sound
    client.delete("test:along", "test:not-a-hash")
