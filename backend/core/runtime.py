"""How a serving process is set up once Django is loaded (``backend/wsgi.py`` calls ``process_tune``).

Python's cyclic garbage collector walks every tracked object of a generation when it
runs. A loaded Django process holds a few hundred thousand long-lived objects (models,
URL patterns, serializers, settings) that never become garbage, and a report request
allocates tens of thousands of short-lived ones, so the collector kept re-walking the
long-lived heap in the middle of requests: that was most of the dashboard's p95 tail.
``process_tune`` imports what the first request would (the URLconf and with it every
view), then ``gc.freeze()`` moves everything alive into a permanent generation that
collections skip, and raises the young generation's threshold so requests are
interrupted less often. Reference counting still frees almost everything at once;
cycles are still collected, only less often. (The same tuning as Instagram's
``gc.freeze`` before forking: with gunicorn's ``--preload`` the frozen pages are also
shared between workers.)
"""

import gc

from django.urls import get_resolver

# gen0 collects after this many net allocations (Python's default: 700); gen1 and gen2 keep their ratios.
YOUNG_THRESHOLD = 50_000


def process_tune() -> None:
    """Load the URLconf, then freeze the loaded heap out of the collector's sight (see the module's text)."""
    get_resolver().url_patterns  # noqa: B018  # imports every view, serializer and schema the URLs name
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, gen1, gen2)
