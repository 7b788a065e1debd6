"""Raw HTML in an article: its links and images point where Markdown's do (next to the
article, under the site's sub-path, absolute in feeds), `check` finds the broken
ones, and the sanitizer keeps the markup news pages use; through the real CLI."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from conftest import SiteMaker, article, run_digest

BODY = """\
<figure><img src="chart.svg" alt="Chart"><figcaption>Rates</figcaption></figure>

See the <a href='/2025/03/12/other/'>other story</a> and [the map](map.svg).

<picture><source srcset="chart.svg 1x, /2025/03/chart@2x.svg 2x"><img src="chart.svg" alt="">
</picture>
"""
CONFIG = "title: T\nbase_url: https://example.org/sub/\n{extra}"


def site_with(make_site: SiteMaker, body: str = BODY, extra: str = "") -> Path:
    files = {
        "content/2025/03/a.md": article("Rates", id="a", body=body),
        "content/2025/03/other.md": article("Other", id="o"),
        "content/2025/03/chart.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "content/2025/03/chart@2x.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "content/2025/03/map.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    }
    return make_site(files, config=CONFIG.format(extra=extra))


@pytest.mark.parametrize("extra", ["", "unsafe_html: true\n"])
def test_raw_html_links_point_where_markdown_links_do(make_site: SiteMaker, extra: str) -> None:
    site = site_with(make_site, extra=extra)
    built = run_digest("build", "--site", site)
    assert built.returncode == 0, built.stderr
    html = (site / "output/2025/03/12/rates/index.html").read_text(encoding="utf-8")
    assert '<img src="/sub/2025/03/chart.svg" alt="Chart">' in html
    assert 'href="/sub/2025/03/12/other/"' in html
    assert '<a href="/sub/2025/03/map.svg">the map</a>' in html
    assert 'srcset="/sub/2025/03/chart.svg 1x, /sub/2025/03/chart@2x.svg 2x"' in html
    assert (site / "output/2025/03/chart.svg").is_file()
    checked = run_digest("check", "--site", site)
    assert checked.returncode == 0, checked.stderr


def test_raw_html_links_are_absolute_in_feeds(make_site: SiteMaker) -> None:
    site = site_with(make_site, extra="unsafe_html: true\n")
    assert run_digest("build", "--site", site).returncode == 0
    feed = feedparser.parse((site / "output/atom.xml").read_bytes())
    [content] = [e.content[0].value for e in feed.entries if e.title == "Rates"]
    assert 'src="https://example.org/sub/2025/03/chart.svg"' in content
    assert "https://example.org/sub/2025/03/12/other/" in content
    raw = (site / "output/atom.xml").read_text(encoding="utf-8")  # feedparser drops srcset
    assert "https://example.org/sub/2025/03/chart@2x.svg 2x" in raw


def test_check_reports_a_broken_raw_html_image_with_its_line(make_site: SiteMaker) -> None:
    body = "Intro.\n\n<p>Chart: <img src='missing.png' alt='m'></p>\n"
    site = site_with(make_site, body=body)
    checked = run_digest("check", "--site", site)
    assert checked.returncode == 1
    message = "content/2025/03/a.md:9: image /sub/2025/03/missing.png points at no page or file"
    assert message in checked.stderr


def test_the_sanitizer_keeps_table_footers_and_pictures_and_drops_sourceless_images(
    make_site: SiteMaker,
) -> None:
    body = (
        "<table><thead><tr><th>A</th></tr></thead><tfoot><tr><td>Total</td></tr></tfoot>"
        "<tbody><tr><td>1</td></tr></tbody></table>\n\n"
        "Logo: ![the logo](data:image/png;base64,AAAA)\n"
    )
    site = site_with(make_site, body=body)
    assert run_digest("build", "--site", site).returncode == 0
    html = (site / "output/2025/03/12/rates/index.html").read_text(encoding="utf-8")
    assert "<tfoot><tr><td>Total</td></tr></tfoot>" in html
    assert "Logo: the logo" in html and "data:" not in html
    assert "<img alt=" not in html  # no image without a source
