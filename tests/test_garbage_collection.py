"""A serving process freezes what it loaded at startup, so that no full collection of the whole
application falls inside a request (the slow p95 of the API lists, issue 19), and keeps
CPython's collection thresholds, so the cycles of a request's documents do not pile up."""

import gc
import importlib
import sys
from unittest import mock

import pytest

from config import garbage_collection


@pytest.fixture
def restored_gc():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settle_freezes_the_loaded_application_and_keeps_the_thresholds(restored_gc):
    gc.unfreeze()
    threshold = gc.get_threshold()
    garbage_collection.settle()
    assert gc.get_freeze_count() > 10_000  # the modules, URL patterns and views loaded so far
    assert gc.get_threshold() == threshold
    made = [object() for _ in range(1000)]  # objects made later are collected as usual
    assert gc.is_tracked([made]) and gc.get_count()[0] >= 0


def test_a_full_collection_after_settling_walks_only_what_came_later(restored_gc):
    gc.unfreeze()
    gc.collect()
    before = len(gc.get_objects())
    garbage_collection.settle()
    assert len(gc.get_objects()) < before / 10


def test_the_wsgi_application_settles_each_process():
    with mock.patch.object(garbage_collection, "settle") as settle:
        sys.modules.pop("config.wsgi", None)
        importlib.import_module("config.wsgi")
    settle.assert_called_once_with()
