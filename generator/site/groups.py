"""The author and section indexes: the published articles grouped by their bylines and
by their sections, one pass each, as the tag index groups them by tag."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from generator.content.model import Article
from generator.content.slugs import most_used, slugify
from generator.errors import Problem, SiteError
from generator.settings.structured import AuthorInfo
from generator.site.model import Author, Section
from generator.urls import Urls


def index_authors(
    articles: Sequence[Article], infos: Iterable[AuthorInfo], urls: Urls
) -> tuple[Author, ...]:
    """Every author of `articles` (newest first), by name, with what site.yaml says of
    them (matched by the URL their name makes, so `Kim Min-ji` is `kim min-ji`, and
    then named as site.yaml spells it)."""
    about = {slugify(info.name): info for info in infos}
    authors = []
    for used, slug, members in _grouped(articles, lambda a: a.authors, "authors"):
        info = about.get(slug, AuthorInfo(used))
        name = info.name
        authors.append(Author(name, slug, urls.author(slug), members, info.bio, info.url))
    return tuple(authors)


def index_sections(articles: Sequence[Article], urls: Urls) -> tuple[Section, ...]:
    """Every section of `articles` (newest first), by name."""
    grouped = _grouped(articles, lambda a: a.sections, "sections")
    return tuple(Section(name, slug, urls.section(slug), group) for name, slug, group in grouped)


def _grouped(
    articles: Sequence[Article], names_of: Callable[[Article], tuple[str, ...]], what: str
) -> list[tuple[str, str, tuple[Article, ...]]]:
    """The names `names_of` gives `articles`, each with its slug and articles in their
    order, sorted by name. Spellings that differ only in case are one name, shown as
    most used; different names that make the same slug are an error naming files."""
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for article in articles:
        for name in names_of(article):
            slug = slugify(name)
            spellings[slug][name] += 1
            if not members[slug] or members[slug][-1] is not article:
                members[slug].append(article)
    problems = [
        _clash(what, slug, names, members[slug])
        for slug, names in spellings.items()
        if len({name.casefold() for name in names}) > 1
    ]
    if problems:
        raise SiteError(problems)
    found = [(most_used(spellings[slug]), slug, tuple(group)) for slug, group in members.items()]
    return sorted(found, key=lambda entry: (entry[0].casefold(), entry[1]))


def _clash(what: str, slug: str, names: Counter[str], articles: list[Article]) -> Problem:
    paths = sorted(article.path for article in articles)
    listed = " and ".join(repr(name) for name in sorted(names))
    message = f"{what} {listed} share the URL {what}/{slug}/ (in {', '.join(paths)}); use one"
    return Problem(paths[0], None, message)
