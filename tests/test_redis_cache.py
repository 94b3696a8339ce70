"""The Redis cache keeps one client per connection pool (config/redis_cache.py) and still does
what Django's does, in this process and in a forked one."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from config.redis_cache import SharedClientRedisCache

LOCATION = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def caches():
    shared = SharedClientRedisCache(LOCATION, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    plain = RedisCache(LOCATION, {"KEY_PREFIX": shared.key_prefix})
    try:
        shared.get("probe")
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"Redis at {LOCATION} is needed by this test and the portal's serving: {e}")
    yield shared, plain
    shared.delete_many(["probe", "a", "b", "c", "d", "before", "child"])  # never clear(): a shared database


def test_one_client_serves_every_call(caches):
    shared, _plain = caches
    client = shared._cache.get_client(write=True)
    assert shared._cache.get_client(write=True) is client
    assert shared._cache.get_client() is shared._cache.get_client()


def test_it_reads_and_writes_what_djangos_own_backend_does(caches):
    shared, plain = caches
    shared.set("a", {"figures": [1, 2]}, 30)
    shared.set_many({"b": "二", "c": 3}, 30)
    assert plain.get("a") == {"figures": [1, 2]} and plain.get_many(["b", "c"]) == {"b": "二", "c": 3}
    plain.set("d", 4, 30)
    assert shared.get("d") == 4 and shared.add("d", 5) is False and shared.incr("d") == 5
    shared.delete("a")
    assert plain.get("a") is None


def test_a_forked_process_uses_connections_of_its_own(caches):
    shared, _plain = caches
    shared.set("before", 1, 30)  # the parent's connection is open
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 only if its reads and writes work
        try:
            shared.set("child", 2, 30)
            os._exit(0 if shared.get("before") == 1 and shared.get("child") == 2 else 1)
        except BaseException:  # noqa: BLE001
            os._exit(2)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert shared.get("child") == 2 and shared.get("before") == 1
