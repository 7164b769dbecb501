"""The only way a document's HTML reaches anything outside itself: data: URIs and the instance's own files.

WeasyPrint fetches every URL it meets (images, style sheets, fonts,
attachments); an admin's template could name `file:///etc/passwd` or an
internal address. This fetcher refuses all but `data:` URIs and files under
the folders it is given (the upload folder, where company logos live).
Imported only when a PDF is made, since importing WeasyPrint needs Pango.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class InstanceFetcher(URLFetcher):
    """Fetch `data:` URIs and files under `roots`; anything else is refused (the image or font is left out)."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        raise ValueError(f"documents may not fetch {url[:80]!r}: only data: URIs and the instance's files")
