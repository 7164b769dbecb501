"""Translation catalogues of the core and of plugins, built on Babel's own API.

`trato i18n extract|update|compile|check` and the tests call these functions,
so what the tests check is exactly what a translator's commands produce. A
plugin keeps its catalogue in `<package>/translations/`, the folder
`Plugin.translations_path` names, and uses the same commands with
`--plugin-dir`.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from .errors import TratoError
from .i18n import LANGUAGES
from .resources import package_dir, resource_dir

SOURCE_LANGUAGE = "en"
DOMAIN = "messages"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    **parse_keywords(["_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2"]),
}
COMMENT_TAGS = ("Translators:",)
# The same as the checkout's babel.cfg; a plugin may ship its own babel.cfg.
DEFAULT_MAPPING = "[python: **.py]\n[jinja2: **/templates/**.html]\n"
# Folders directly in a plugin's folder that are never its package.
NOT_PACKAGES = frozenset({"tests", "docs", "build", "dist"})


def target_languages() -> list[str]:
    """The languages every catalogue must translate into (all but the source)."""
    return [code for code in LANGUAGES if code != SOURCE_LANGUAGE]


@dataclass(frozen=True)
class Project:
    """Sources whose strings are translated, and the folder of their catalogues."""

    name: str
    sources: tuple[Path, ...]
    translations: Path
    mapping_file: Path | None = None

    @property
    def root(self) -> Path:
        """Locations in the catalogues are written relative to this folder."""
        return Path(os.path.commonpath([str(s) for s in self.sources]))

    @property
    def template(self) -> Path:
        return self.translations / f"{DOMAIN}.pot"

    def po_path(self, language: str) -> Path:
        return self.translations / language / "LC_MESSAGES" / f"{DOMAIN}.po"

    def mo_path(self, language: str) -> Path:
        return self.po_path(language).with_suffix(".mo")


def core_project() -> Project:
    """The core package and the bundled themes; babel.cfg of a checkout if there is one."""
    package = package_dir()
    mapping = package.parents[1] / "babel.cfg"
    return Project("Trato", (package, resource_dir("themes")), package / "translations",
                   mapping if mapping.is_file() else None)


def plugin_project(folder: Path) -> Project:
    """A plugin's folder (its distribution, holding its package, or the package itself)."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise TratoError(f"{folder} is not a folder")
    mapping = folder / "babel.cfg"
    return Project(folder.name, (folder,), _translations_folder(folder), mapping if mapping.is_file() else None)


def has_catalogue(folder: Path) -> bool:
    """Whether the plugin in `folder` has a translations/ folder yet."""
    return any((package / "translations").is_dir() for package in _packages(folder))


def _packages(folder: Path) -> list[Path]:
    if (folder / "__init__.py").is_file():
        return [folder]
    candidates = [*folder.iterdir(), *((folder / "src").iterdir() if (folder / "src").is_dir() else ())]
    return sorted(p for p in candidates
                  if p.is_dir() and p.name not in NOT_PACKAGES and (p / "__init__.py").is_file())


def _translations_folder(folder: Path) -> Path:
    packages = _packages(folder)
    existing = [p / "translations" for p in packages if (p / "translations").is_dir()]
    if len(existing) == 1:
        return existing[0]
    if not existing and len(packages) == 1:
        return packages[0] / "translations"
    raise TratoError(
        f"{folder}: cannot tell which package holds the plugin's catalogue; "
        "create <package>/translations/ in the plugin's package and run the command again"
    )


def _mapping(project: Project) -> tuple[list[tuple[str, str]], dict[str, dict[str, Any]]]:
    if project.mapping_file is None:
        return parse_mapping_cfg(StringIO(DEFAULT_MAPPING))
    with project.mapping_file.open(encoding="utf-8") as handle:
        return parse_mapping_cfg(handle, filename=str(project.mapping_file))


def extract(project: Project) -> Catalog:
    """Every translatable string in the project's sources, as a template catalogue."""
    method_map, options_map = _mapping(project)
    catalog = Catalog(project=project.name, charset="utf-8",
                      header_comment=f"# Strings of {project.name} to translate. Made by `trato i18n extract`.")
    for source in project.sources:
        found = extract_from_dir(source, method_map, options_map, keywords=KEYWORDS,
                                 comment_tags=COMMENT_TAGS, strip_comment_tags=True)
        for filename, _lineno, message, comments, context in found:
            where = os.path.relpath(source / filename, project.root).replace(os.sep, "/")
            catalog.add(message, None, [(where, None)], auto_comments=comments, context=context)
    return catalog


def _write_po(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, ignore_obsolete=True, include_lineno=False)


def read_catalogue(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN, abort_invalid=True)


def write_template(project: Project) -> Path:
    """Extract the sources into `messages.pot`."""
    _write_po(project.template, extract(project))
    return project.template


def update(project: Project) -> list[Path]:
    """Merge `messages.pot` into each language's `messages.po`, creating missing ones.

    New strings close to a removed one get its translation marked fuzzy, for
    a translator to confirm; `check` reports them until then.
    """
    if not project.template.is_file():
        raise TratoError(f"{project.template} does not exist; run `trato i18n extract` first")
    written = []
    for language in target_languages():
        path = project.po_path(language)
        if path.is_file():
            catalog = read_catalogue(path, language)
            catalog.update(read_catalogue(project.template))
        else:
            catalog = read_catalogue(project.template, language)
            catalog.locale = language  # type: ignore[assignment]  # the setter parses the code
            catalog.header_comment = f"# {Locale.parse(language).english_name} translations of {project.name}."
            catalog.revision_date = datetime.now(timezone.utc)
            catalog.fuzzy = False
        _write_po(path, catalog)
        written.append(path)
    return written


def compile_catalogue(po_path: Path, mo_path: Path, language: str) -> None:
    """Compile one `.po` into a `.mo`; untranslated and fuzzy entries are left out."""
    catalog = read_catalogue(po_path, language)
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog)


def compile_all(project: Project) -> list[Path]:
    written = []
    for language in target_languages():
        po_path = project.po_path(language)
        if not po_path.is_file():
            raise TratoError(f"{po_path} does not exist; run `trato i18n update` first")
        compile_catalogue(po_path, project.mo_path(language), language)
        written.append(project.mo_path(language))
    return written


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def contents(catalog: Catalog) -> tuple[str, dict[tuple[Any, str | None], Any]]:
    """What a compiled catalogue serves: plural rule and translations, without the header."""
    return catalog.plural_forms, {
        (_frozen(m.id), m.context): _frozen(m.string) for m in catalog if m.id
    }


def compiled_contents(catalog: Catalog) -> tuple[str, dict[tuple[Any, str | None], Any]]:
    """The contents `catalog` would have once compiled, read back from the `.mo` bytes."""
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return contents(read_mo(buffer))


def read_compiled(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_mo(handle)


def _translated(message: Message, plurals: int) -> bool:
    if message.pluralizable:
        strings = list(message.string)
        return len(strings) == plurals and all(strings)
    return bool(message.string)


def _label(message: Message) -> str:
    text = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return f'"{text}"' + (f" (context {message.context})" if message.context else "")


def translation_problems(project: Project) -> Iterator[str]:
    """Each string of the sources that some language lacks, has fuzzy, or gets wrong.

    The strings come fresh from the sources, so a string that was never
    extracted counts as untranslated.
    """
    strings = [m for m in extract(project) if m.id]
    for language in target_languages():
        po_path = project.po_path(language)
        if not po_path.is_file():
            yield f"{language}: {po_path} does not exist; run `trato i18n update`"
            continue
        catalog = read_catalogue(po_path, language)
        for message in strings:
            found = catalog.get(message.id, message.context)
            if found is None or not _translated(found, catalog.num_plurals):
                yield f"{language}: not translated: {_label(message)}"
            elif found.fuzzy:
                yield f"{language}: fuzzy, to check and unmark: {_label(message)}"
        for message, errors in catalog.check():
            for error in errors:
                yield f"{language}: {_label(message)}: {error}"


def compile_problems(project: Project) -> Iterator[str]:
    """Each `.mo` that is missing or serves other contents than its `.po` would.

    Compared by contents, not by file time, which a checkout does not keep.
    """
    for language in target_languages():
        po_path, mo_path = project.po_path(language), project.mo_path(language)
        if not po_path.is_file():
            continue
        if not mo_path.is_file():
            yield f"{language}: {mo_path} does not exist; run `trato i18n compile`"
        elif contents(read_compiled(mo_path)) != compiled_contents(read_catalogue(po_path, language)):
            yield f"{language}: {mo_path} is out of date with {po_path.name}; run `trato i18n compile`"


def problems(project: Project) -> Iterator[str]:
    """Everything `trato i18n check` reports."""
    yield from translation_problems(project)
    yield from compile_problems(project)
