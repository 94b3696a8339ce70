"""The cyclic garbage collector of a serving process, tuned once the application is loaded.

A full (generation 2) collection walks every tracked object of the process: with Django, the
portal's modules, URL patterns, forms, serializers and the API schema loaded, that is a pause of
100-300 ms on a loaded machine, and it fell inside roughly one request in ten or twenty (the
slow p95 of the API lists, issue 19). What is loaded at startup lives as long as the process, so
it is frozen (gc.freeze(): kept out of every later collection), and the youngest generation is
collected less often, so that the requests' own short-lived objects seldom reach an older
generation. Reference counting still frees almost everything at once; only cycles wait longer.
"""

import gc

from django.urls import get_resolver

# Allocations (net of deallocations) between two young collections; CPython's default is 700.
YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Load what the first request would (every URL pattern and so every view module), collect
    once, freeze what is left and raise the young generation's threshold. Call it once per
    process, after django.setup() (config/wsgi.py does, in each gunicorn worker)."""
    get_resolver().url_patterns  # noqa: B018  the URLconf imports every view module
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
