"""Fixtures of the security tests: the World (built once per module, committed, flushed at the
end with the migrations' seeded rows put back) and the settings it needs on every test."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings

from tests.security.world import World


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("world-media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Eight roles and, at WH-QK-01 and WH-BBT, an object of everything a URL names (tests/security/world.py)."""
    with django_db_blocker.unblock():
        # Rows the migrations seeded (evaluation schemes) come back after the flush, for later modules.
        seeded = connection.creation.serialize_db_to_string()
        with override_settings(
            MEDIA_ROOT=world_media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ):
            built = World()
        yield built
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(seeded)
        # The flush restarted the id sequences and the rows came back with their ids: move the
        # sequences past them, or the next row created (a test's own scheme) collides with id 1.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)


@pytest.fixture
def in_world(settings, world, world_media):
    """A test that uses the World serves its photos from the World's media folder."""
    settings.MEDIA_ROOT = world_media
    settings.LEDGER_IMPORT_INLINE = True
    return world
