"""What the default theme's article page says once: its lead, and its description cut
for search engines and link previews, through the real command line."""

from __future__ import annotations

import re
from html import unescape

from conftest import SiteMaker, article, run_digest

FIRST = "The harbour reopened on Monday after a week of storms closed it to ferries."
LONG = (
    "Police said text messages posing as parcel-delivery notices tried to install malware "
    "on phones; the messages below are reproduced here with their dangerous parts removed."
)


def built_page(make_site: SiteMaker, **meta: str) -> str:
    body = f"{FIRST}\n\nA second paragraph."
    site = make_site({"content/a.md": article("Harbour", id="a", body=body, **meta)})
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    return (site / "output/2025/03/12/harbour/index.html").read_text(encoding="utf-8")


def test_a_summary_taken_from_the_first_paragraph_is_not_printed_twice(
    make_site: SiteMaker,
) -> None:
    html = built_page(make_site)
    assert html.count(f"<p>{FIRST}</p>") == 1
    assert 'class="lede"' not in html
    assert f'<meta name="description" content="{FIRST}">' in html  # still the description


def test_a_summary_of_its_own_is_the_lede(make_site: SiteMaker) -> None:
    html = built_page(make_site, summary="'Ferries run again.'")
    assert '<p class="lede">Ferries run again.</p>' in html
    assert html.count(f"<p>{FIRST}</p>") == 1


def test_descriptions_are_cut_at_a_word_to_160_characters(make_site: SiteMaker) -> None:
    html = built_page(make_site, summary=repr(LONG))
    descriptions = re.findall(
        r'<meta (?:name|property)="(?:description|og:description|twitter:description)" '
        r'content="([^"]*)">',
        html,
    )
    assert len(descriptions) == 3 and len(set(descriptions)) == 1
    cut = unescape(descriptions[0])
    assert len(cut) <= 160 and cut.endswith("…")
    assert LONG.startswith(cut.removesuffix("…")) and LONG[len(cut) - 1] == " "  # at a word
    assert f'<p class="lede">{LONG}</p>' in html  # the page itself says it all
