"""AI content: the sources of external pages, and the pages Fin and Copilot learn from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import NotFound, ParameterInvalid
from .records import ContentImportSource, ExternalPage
from .rooms import Room
from .state import State


class ContentImportSourceNotFound(NotFound):
    """An unknown content import source id."""


class ExternalPageNotFound(NotFound):
    """An unknown external page id."""


class ContentImportSources(Room[ContentImportSource]):
    """Sources; deleting one deletes the pages imported from it."""

    def __init__(self, state: State) -> None:
        super().__init__(state, ContentImportSource, ContentImportSourceNotFound, first=45)
        self.pages: ExternalPages | None = None

    def delete(self, record_id: str) -> ContentImportSource:
        source = super().delete(record_id)
        if self.pages is not None:
            for page in self.pages.of_source(source.id):
                self.pages.delete(page.id)
        return source


class ExternalPages(Room[ExternalPage]):
    """External pages, each of a source; a page is kept by its source and `external_id`, so
    creating one that exists updates it."""

    def __init__(self, state: State, sources: ContentImportSources) -> None:
        super().__init__(state, ExternalPage, ExternalPageNotFound, first=22)
        self.sources = sources
        sources.pages = self

    def create(self, fields: Mapping[str, Any]) -> ExternalPage:
        self.check(fields)
        for page in self.of_source(str(fields["source_id"])):
            if page.external_id == fields["external_id"]:
                return self.update(page, fields)
        return super().create(fields)

    def check(self, fields: Mapping[str, Any], record: ExternalPage | None = None) -> None:
        source = fields.get("source_id")
        if source is not None and str(source) not in self.sources.records:
            message = f"source_id {source} is no content import source"
            raise ParameterInvalid(message, field="source_id")

    def of_source(self, source_id: str) -> list[ExternalPage]:
        return [page for page in self.all() if str(page.source_id) == source_id]
