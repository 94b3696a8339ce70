"""Django's Redis cache, with one client per connection pool instead of one per call.

django.core.cache.backends.redis builds a new redis.Redis for every operation, and each builds
its table of some hundreds of response callbacks: a dashboard's dozen cache calls spent more
than a millisecond on that alone (issue 19). A client is safe to share between threads (its
connections come from the pool, which also starts again in a forked process), so each pool
keeps one.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
