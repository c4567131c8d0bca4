"""Settings of the load benchmark's server (``bench/bench_load.py``): the local settings with DEBUG off,
and a URLconf that adds one bench-only route (``bench/load_urls.py``) to the app's own."""

import warnings

from backend.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.load_urls"

# The bench serves no static files: whitenoise need not say that STATIC_ROOT was never collected.
warnings.filterwarnings("ignore", message="No directory at")
