from collections.abc import Sequence
from typing import TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

_Model = TypeVar("_Model", bound=Model)
_Row = TypeVar("_Row")


class Pagination(PageNumberPagination):
    """Page-number pagination; ``page_size`` may be asked for, up to MAX_PAGE_SIZE.

    A page that does not exist (past the end, zero, not a number) is bad input: 400 with a message
    for ``page``, as the schema documents, not DRF's 404."""

    page_size_query_param = "page_size"
    max_page_size = settings.MAX_PAGE_SIZE

    def paginate_queryset(
        self, queryset: QuerySet[_Model, _Row] | Sequence[_Row], request: Request, view: APIView | None = None
    ) -> list[_Row] | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise ValidationError({self.page_query_param: [str(exc.detail)]}) from exc
