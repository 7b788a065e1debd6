"""What each output is made from, as one fingerprint: the key of its bytes.

Two builds that give an output the same key give it the same bytes, so a
build makes again only the outputs whose key changed since the output folder
was written (`KeyedOutputs`). A key digests the generator's and its libraries'
versions, the site's settings, the templates the output is rendered with
(with everything they extend, include and import) and every value it shows.

Articles, tags, digests, archive and source pages are shown by many outputs,
so each is digested once per build and stands in the others by its digest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

import jinja2
from jinja2 import meta, nodes

from generator import __version__
from generator.content.model import Article
from generator.feeds.model import FeedFile
from generator.incremental.articles import article_digest
from generator.incremental.named import NAMED_FIELDS, uses_are_named
from generator.incremental.record import Recorded
from generator.incremental.store import library_versions
from generator.outputs import CopiedFile, Output
from generator.pages.jobs import PageJob
from generator.pages.render import template_errors
from generator.settings.config import SiteConfig
from generator.site.archive import Month, SourcePage, Year
from generator.site.digests import Digest, DigestGroup
from generator.site.model import Author, Section, Tag
from generator.site.related import ArticleLinks
from generator.theme.environment import STATIC, THEME
from generator.variants import ResizedImage

SHARED = frozenset(
    {Article, Tag, Author, Section, Digest, DigestGroup, Month, Year, SourcePage, ArticleLinks}
)
# What may be keyed on its names alone (see page_key).
NAMED_ONLY = frozenset({Tag, SourcePage, Author, Section})
# Values that hold no article (digested as their pickle).
PLAIN = frozenset({int, float, bool, type(None), bytes, dt.datetime, dt.date, dt.timedelta})


class OutputKeys:
    """Keys of the outputs of one build: one per site, settings and templates."""

    def __init__(self, env: jinja2.Environment, config: SiteConfig) -> None:
        self.env = env
        self.salt = _digest(pickle.dumps((__version__, library_versions(), config)))
        # id -> (the value, kept alive so that no other value gets its id; its digest)
        self.digests: dict[int, tuple[object, bytes]] = {}
        self.template_stamps: dict[str, bytes] = {}
        self.summaries: dict[tuple[str, str], bool] = {}
        self.trees: dict[str, nodes.Template | None] = {}  # None: no such template

    def know(self, articles: Iterable[Article], digests: Iterable[bytes]) -> None:
        """Take the digests of `articles` as already made (when they were read)."""
        for article, digest in zip(articles, digests, strict=True):
            self.digests[id(article)] = (article, digest)

    def output_key(self, output: Output) -> str:
        """The key of `output`, from what it is made of (see outputs.py)."""
        source = output.source
        if type(source) is PageJob:
            return self.page_key(source.template, source.url, source.context)
        if type(source) is FeedFile:
            return self.key(source.feed.templates, source.kind, source.feed)
        if type(source) is CopiedFile:
            return source.fingerprint
        if type(source) is ResizedImage:  # its original's bytes, its size, format and Pillow
            return _digest(*(str(part).encode() for part in source[1:])).hex()
        assert isinstance(source, str), source  # the fingerprint of its bytes
        return source

    def read_templates(self, outputs: Iterable[Output]) -> None:
        """Read the templates of `outputs` with all they use, here, before the workers fork:
        so that every worker keys them with one version, the one they are rendered with."""
        names: set[str] = set()
        for output in outputs:
            source = output.source
            if type(source) is PageJob:
                names.add(source.template)
            elif type(source) is FeedFile:
                names.update(source.feed.templates)
        with template_errors():
            for name in sorted(names):
                self.template_stamp(name)

    def key(self, templates: Iterable[str], *shown: object) -> str:
        """The key of an output rendered with `templates` that shows `shown`."""
        stamps = [self.template_stamp(name) for name in templates]
        return _digest(self.salt, *stamps, *map(self._part, shown)).hex()

    def page_key(self, template: str, url: str, context: Mapping[str, object]) -> str:
        """The key of a page: `key`, with tags or sources the page's templates only name.

        A tag page is given its tag with all of its articles, but the default
        templates show only its name, URL and number of articles: keyed on those
        alone, a tag's page 7 is not made again when an article on page 2 changes.
        The same goes for a list of tags (the tags index) whose templates only
        count it, test it and name each tag they loop over.
        """
        parts = []
        for name, value in context.items():
            if self.keyed_by_name(template, name, value):
                each = value if type(value) is tuple or type(value) is list else (value,)
                part = b"n" + _digest(*map(_named_part, each))
            else:
                part = self._part(value)
            parts += [name.encode(), part]
        stamp = self.template_stamp(template)
        return _digest(self.salt, stamp, self._part(url), b"m" + _digest(*parts)).hex()

    def keyed_by_name(self, template: str, name: str, value: object) -> bool:
        """Whether context variable `name` of a page is keyed on its names alone: a tag
        or source, or a list of them, that the templates only name (`named_only`)."""
        kind = type(value)
        if kind is tuple or kind is list:
            named = all(type(item) in NAMED_ONLY for item in cast(Sequence[object], value))
        else:
            named = kind in NAMED_ONLY
        return named and self.named_only(template, name)

    def named_only(self, template: str, name: str) -> bool:
        """Whether the templates rendering `template` use context variable `name` only
        for its `name`, `slug`, `url`, number of `articles`, and truth; or, for a list,
        for its length, its truth, and loops whose variable is used so."""
        if (template, name) not in self.summaries:
            self.summaries[template, name] = self._named_only(template, name)
        return self.summaries[template, name]

    def _named_only(self, template: str, name: str) -> bool:
        """`named_only` over `template`, the templates it extends or includes and those
        it imports with context: the templates that share its context."""
        seen, todo = set(), [template]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            tree = self.tree(current)
            if tree is None:
                continue
            for node in tree.find_all(
                (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)
            ):
                if isinstance(node, nodes.Extends) or getattr(node, "with_context", False):
                    used = getattr(node, "template", None)
                    if not isinstance(used, nodes.Const):
                        return False  # could be any template
                    todo.append(self.env.join_path(used.value, current))
            if not uses_are_named(tree, name):
                return False
        return True

    def tree(self, name: str) -> nodes.Template | None:
        """Template `name` parsed (once per build), or None if there is no such template."""
        if name not in self.trees:
            try:
                source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                self.trees[name] = None
            else:
                self.trees[name] = self.env.parse(source, name, filename)
        return self.trees[name]

    def template_closure(self, name: str) -> dict[str, str | None]:
        """`name` and every template it extends, includes or imports, however deep, with
        sources.

        A template that names another through a variable could use any of them;
        one that is missing (`{% include "x.html" ignore missing %}`) has no source.
        """
        found: dict[str, str | None] = {}
        todo = [name]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            tree = self.tree(current)
            found[current] = None if tree is None else template_source(self.env, current)
            for used in meta.find_referenced_templates(tree) if tree is not None else ():
                if used is None:
                    env = self.env
                    names = env.list_templates(filter_func=_is_template)
                    return {n: template_source(env, n) for n in names}
                todo.append(self.env.join_path(used, current))
        return found

    def _part(self, value: object) -> bytes:
        """`value` as bytes for a key, each shared value in it replaced by its digest."""
        kind = type(value)
        if kind in SHARED:
            return self.digest(value)
        if kind is str:
            return b"s" + cast(str, value).encode()
        if kind is tuple or kind is list:
            items = cast(Sequence[object], value)
            return (b"t" if kind is tuple else b"l") + _digest(*map(self._part, items))
        if isinstance(value, Mapping):  # in its order, which a template may show
            return b"m" + _digest(*[self._part(item) for pair in value.items() for item in pair])
        if dataclasses.is_dataclass(value) and hasattr(value, "__dict__"):
            return b"d" + self._fields(value)
        return b"p" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def _fields(self, value: object) -> bytes:
        return _digest(type(value).__qualname__.encode(), *map(self._part, vars(value).values()))

    def template_stamp(self, name: str) -> bytes:
        """A digest of template `name` and of every template it uses."""
        if name not in self.template_stamps:
            parts = []
            for used, source in sorted(self.template_closure(name).items()):
                parts += [used.encode(), b"\0" if source is None else source.encode()]
            self.template_stamps[name] = _digest(*parts)
        return self.template_stamps[name]

    def digest(self, value: object) -> bytes:
        """The digest of a shared value, made once per build."""
        known = self.digests.get(id(value))
        if known is None:
            # An article holds no other shared value: the digest of its values (article_digest).
            data = article_digest(value) if type(value) is Article else self._fields(value)
            known = self.digests[id(value)] = (value, data)
        return known[1]


def _named_part(value: object) -> bytes:
    """A tag, source, author or section as a key takes it in when its templates only
    name it (a field it does not have is "")."""
    named = [str(getattr(value, field, "")).encode() for field in sorted(NAMED_FIELDS)]
    return _digest(*named, b"%d" % len(cast(Tag, value).articles))


def _is_template(name: str) -> bool:
    """Whether `name`, a file of the templates' folders, is a template (not a static file)."""
    return not name.removeprefix(f"{THEME}/").startswith(f"{STATIC}/")


def template_source(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    source: str = env.loader.get_source(env, name)[0]
    return source


def _digest(*parts: bytes) -> bytes:
    """One digest of several parts, none of which can run into the next."""
    return hashlib.blake2b(
        pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20
    ).digest()


class KeyedOutputs:
    """The write stage's `OutputCheck` of a cached build: an output's file is kept when
    it was made from the same key, and is still as it was written then (`previous`)."""

    def __init__(self, keys: OutputKeys, previous: Recorded) -> None:
        self.keys = keys
        self.previous = previous

    def key(self, output: Output) -> str:
        return self.keys.output_key(output)

    def current(self, file: str, key: str, live: os.stat_result) -> bool:
        seen = self.previous.get(file)
        return (
            seen is not None
            and seen[2] == key
            and (live.st_size, live.st_mtime_ns) == tuple(seen[:2])
        )

    def recorded(self, folder: str) -> list[str]:
        return sorted(file for file in self.previous if file.startswith(folder))
