"""The cyclic garbage collector of a serving process, tuned once the application is loaded.

A full (generation 2) collection walks every tracked object of the process, and it falls inside
some request every few dozen: its pause grows with what the process holds (measured in the bench
process, 15 ms with the app loaded, near 200 ms with some 400,000 objects held, issue 19). What
is loaded at startup (the portal's modules, URL patterns, forms, serializers) lives as long as
the process and is frozen (gc.freeze(): kept out of every later collection), so a full
collection walks only what the requests made since. The collection thresholds stay CPython's:
collecting the youngest generation less often (tried at 50,000 allocations) let the reference
cycles of documents built in a request (python-docx, openpyxl) pile up, and an evidence pack's
zip took a process from 170 MB to 480 MB (issue 19: no worker above 300 MB).
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
