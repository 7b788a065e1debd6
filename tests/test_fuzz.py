"""Property-based: random front matter and Markdown never crash the build or escape output."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import feedparser
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.errors import SiteError
from generator.incremental.build import build
from generator.pipeline import BuildOptions

KEYS = ["title", "date", "tags", "categories", "summary", "description", "id", "source"]
KEYS += ["author", "updated", "lastmod", "draft", "slug", "aliases", "other"]
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    text,
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1970, 1, 2)).map(str),
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=8)
named = text.filter(lambda t: any(c.isalnum() for c in t))
valid = st.fixed_dictionaries(
    {"title": named, "date": st.just("2025-03-12")},
    optional={
        "tags": st.lists(named, max_size=4),
        "summary": text,
        "author": text,
        "source": st.one_of(named, st.just("https://example.net/x")),
        "id": named,
        "other": values,
    },
)
front_matter = st.one_of(st.dictionaries(st.sampled_from(KEYS), values, max_size=8), valid)
markdown = st.lists(
    st.sampled_from(
        [
            "# Head",
            "para *em* **b**",
            "[l](../x)",
            "![i](/y.png)",
            "<script>x</script>",
            "<a href='javascript:x'>j</a>",
            "- item",
            "> quote",
            "`code`",
            "]]>",
            "\x01",
            "[^1]",
            "[^1]: note",
            "<img src=x onerror=alert(1)>",
            "| a |\n|---|\n| b |",
        ]
    )
    | text,
    max_size=8,
).map("\n\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=st.lists(st.tuples(front_matter, markdown), min_size=1, max_size=4))
def test_random_sites_build_or_fail_cleanly(articles: list[tuple[dict[str, object], str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site, out = root / "site", root / "site" / "output"
        (site / "content").mkdir(parents=True)
        (site / "site.yaml").write_text("title: Fuzz\nbase_url: https://example.org/sub/\n")
        for n, (meta, body) in enumerate(articles):
            head = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
            (site / "content" / f"a{n}.md").write_text(f"---\n{head}---\n\n{body}\n")
        outside_before = sorted(p.name for p in root.iterdir())
        try:
            build(BuildOptions(site_dir=site, drafts=True, future=True))
        except SiteError as exc:
            assert exc.problems and all(p.path for p in exc.problems)
            event("content error")
            return
        finally:
            assert sorted(p.name for p in root.iterdir()) == outside_before
        event("built")
        for path in out.rglob("*"):
            assert path.resolve().is_relative_to(out.resolve())
        for feed in [*out.rglob("feed.xml"), *out.rglob("atom.xml")]:
            parsed = feedparser.parse(feed.read_bytes())
            assert parsed.bozo == 0, (feed, parsed.get("bozo_exception"))
        shutil.rmtree(out)
