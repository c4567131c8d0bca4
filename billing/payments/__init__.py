"""Online payments. ``stripe_adapter`` is the only module that imports the ``stripe`` SDK."""
