"""The serving process's set-up (backend/core/runtime.py), as backend/wsgi.py runs it."""

import gc
import sys
from collections.abc import Iterator

import pytest

from backend.core.runtime import YOUNG_THRESHOLD, process_tune


@pytest.fixture
def gc_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_loaded_heap_is_frozen_and_young_objects_are_collected_less_often(gc_restored: None) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    assert gc.get_freeze_count() == 0

    process_tune()

    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10) == (50_000, 10, 10)
    assert gc.get_freeze_count() > 10_000  # Django, the apps and every view
    assert "billing.api.views" in sys.modules  # the URLconf was loaded before freezing


def test_the_wsgi_module_tunes_the_process(gc_restored: None, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr("backend.core.runtime.process_tune", lambda: calls.append("tuned"))
    monkeypatch.delitem(sys.modules, "backend.wsgi", raising=False)

    import backend.wsgi

    assert calls == ["tuned"]
    assert callable(backend.wsgi.application)
