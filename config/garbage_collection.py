"""The cyclic garbage collector of a serving process, tuned once the application is loaded.

A full (generation 2) collection walks every tracked object of the process: with Django, the
portal's modules, URL patterns, forms, serializers and the API schema loaded, that is a pause of
100-300 ms on a loaded machine, and it fell inside roughly one request in ten or twenty (the
slow p95 of the API lists, issue 19). What is loaded at startup lives as long as the process, so
it is frozen (gc.freeze(): kept out of every later collection), so a full collection walks only
what the requests made since. The collection thresholds stay CPython's: collecting the youngest
generation less often (tried at 50,000 allocations) let the reference cycles of documents built
in a request (python-docx, openpyxl) pile up, and an evidence pack's zip took a process from
170 MB to 480 MB (issue 19: no worker above 300 MB).
"""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load what the first request would (every URL pattern and so every view module), collect
    once and freeze what is left. Call it once per process, after django.setup()
    (config/wsgi.py does, in each gunicorn worker)."""
    get_resolver().url_patterns  # noqa: B018  the URLconf imports every view module
    gc.collect()
    gc.freeze()
