"""The approval inbox's answers, rendered once per version of the approver's inbox.

The inbox is the busiest page of an approver's day (``bench/bench_load.py``) and the dearest to build:
a page of 25 monthly sheets carries some 400 entries. Building it took 13-20 ms of CPU per request,
almost all of it in Python (three statements built by the ORM, 400 rows rendered to 45 kB of JSON);
reading its version (``approval_inbox_version``: the change records database triggers write,
``secondments/inbox_changes.py``) takes one small prepared statement. So each process keeps the JSON
answers it rendered, with the version of the inbox they were read at, and renders again only when the
version differs: an approver always gets their inbox as it is now, whoever changed it, in whichever
process. Off PostgreSQL there is no version and every request reads the inbox (three queries); a
browsable-API answer (HTML) is never kept.
"""

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, overload

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from backend.accounts.models import User
from secondments.api.timesheet_serializers import timesheet_rows_representation
from secondments.selectors.timesheets import InboxVersion, approval_inbox_entries, approval_inbox_rows

# A process keeps at most this many bytes of answers (a page of 25 monthly sheets is about 45 kB),
# the least recently used dropped first.
CACHE_BYTES = 32 * 1024 * 1024

_Key = tuple[int, str, str, str]
_answers: "OrderedDict[_Key, tuple[InboxVersion, bytes, str]]" = OrderedDict()
_size = [0]
_lock = threading.Lock()


class InboxPages(Sequence[dict[str, Any]]):
    """An approver's inbox as Django's paginator reads it: ``count()``, then a slice: a page of sheets
    rendered as ``TimesheetSerializer`` renders them, from plain rows (``approval_inbox_rows``,
    ``approval_inbox_entries``)."""

    def __init__(self, *, user: User) -> None:
        self.user = user
        self._count: int | None = None

    def count(self) -> int:  # type: ignore[override]  # the paginator's count(), not Sequence.count(value)
        if self._count is None:
            self._count = approval_inbox_rows(user=self.user).count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        rows = list(approval_inbox_rows(user=self.user)[index])
        return timesheet_rows_representation(rows, approval_inbox_entries(sheet_ids=[r["id"] for r in rows]))


def _key(request: Request, user: User) -> _Key | None:
    """What a kept answer is for: the user, the page asked for (the whole URL: the answer's links name
    it), the media type, the time zone its datetimes are in; None: an answer not to keep (HTML)."""
    if not isinstance(request.accepted_renderer, JSONRenderer):
        return None
    media_type = str(request.accepted_media_type)
    return (user.pk, request.build_absolute_uri(), media_type, timezone.get_current_timezone_name())


def inbox_answer_kept(*, request: Request, user: User, version: InboxVersion | None) -> HttpResponse | None:
    """The answer rendered for this request at this version of the inbox, if this process kept it."""
    key = _key(request, user) if version is not None else None
    if key is None:
        return None
    with _lock:
        kept = _answers.get(key)
        if kept is None or kept[0] != version:
            return None
        _answers.move_to_end(key)
    return HttpResponse(kept[1], content_type=kept[2])


def inbox_answer_keep(*, request: Request, user: User, version: InboxVersion | None, response: Response) -> None:
    """Keep ``response`` once it is rendered (a 200 in JSON), for the next request at this version."""
    key = _key(request, user) if version is not None else None
    if key is None or version is None:
        return
    read_at: InboxVersion = version

    def keep(rendered: Any) -> None:
        if rendered.status_code != 200:
            return
        body = bytes(rendered.content)
        with _lock:
            old = _answers.pop(key, None)
            if old is not None:
                _size[0] -= len(old[1])
            _answers[key] = (read_at, body, rendered["Content-Type"])
            _size[0] += len(body)
            while _size[0] > CACHE_BYTES and len(_answers) > 1:
                _, (_, dropped, _) = _answers.popitem(last=False)
                _size[0] -= len(dropped)

    response.add_post_render_callback(keep)


def inbox_answers_clear() -> None:
    """Forget every kept answer (tests)."""
    with _lock:
        _answers.clear()
        _size[0] = 0
