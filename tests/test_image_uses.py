"""Where a lead image goes beyond its article's figure: link previews, feeds (parsed back),
cards, digests and digest feed items; and builds after an image changes, which make what
a cold build makes (the lead images themselves: test_images.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
from conftest import (
    SiteMaker,
    article,
    assert_same_as_cold,
    build_site,
    build_with_cli,
    edit,
    parse_feed,
    run_digest,
    tree,
)
from lxml import etree
from pictures import picture

ALT = "A rocket on its pad"
PAGE = "2025/03/12/launch/index.html"
REMOTE = "https://images.example.net/far.jpg"
# Digests are of closed days: the build's time is well after the articles'.
LATER = {"SOURCE_DATE_EPOCH": "1767225600"}


def image_site(make_site: SiteMaker) -> Path:
    """A site of three articles: one with a photo beside it, one with a remote image, and
    one with none."""
    return make_site(
        {
            "content/2025/launch.md": article(
                "Launch", id="launch", image="rocket.jpg", image_alt=f"'{ALT}'", tags="[Space]"
            ),
            "content/2025/rocket.jpg": picture(1200, 800),
            "content/2025/far.md": article(
                "Far", "2025-03-11T09:00:00Z", id="far", image=REMOTE, image_alt="Far away"
            ),
            "content/2025/plain.md": article("Plain", "2025-03-10T09:00:00Z", id="plain"),
        }
    )


def test_the_link_preview_names_the_image(make_site: SiteMaker) -> None:
    out = build_with_cli(image_site(make_site))
    page = (out / PAGE).read_text()
    url = "https://example.org/2025/rocket.jpg"
    for tag in (
        f'<meta property="og:image" content="{url}">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="800">',
        f'<meta property="og:image:alt" content="{ALT}">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:image" content="{url}">',
        f'<meta name="twitter:image:alt" content="{ALT}">',
    ):
        assert tag in page, tag
    far = (out / "2025/03/11/far/index.html").read_text()
    assert f'<meta property="og:image" content="{REMOTE}">' in far and "og:image:width" not in far
    plain = (out / "2025/03/10/plain/index.html").read_text()
    assert "og:image" not in plain and "twitter:image" not in plain
    assert '<meta name="twitter:card" content="summary">' in plain


def test_a_standalone_page_may_have_a_link_preview_image(make_site: SiteMaker) -> None:
    about = "---\ntitle: About\nimage: /desk.png\nimage_alt: Our desk\n---\n\nWho we are.\n"
    files = {"content/pages/about.md": about, "content/desk.png": picture(800, 400, "PNG")}
    out = build_with_cli(make_site(files))
    page = (out / "about/index.html").read_text()
    assert '<meta property="og:image" content="https://example.org/desk.png">' in page
    assert "desk-480w.png" in tree(out)


def test_rss_carries_an_enclosure_or_media_content(make_site: SiteMaker) -> None:
    out = build_with_cli(image_site(make_site))
    entries = {entry.title: entry for entry in parse_feed(out / "feed.xml").entries}
    length = str((out / "2025/rocket.jpg").stat().st_size)
    url = "https://example.org/2025/rocket.jpg"
    assert entries["Launch"].enclosures == [{"href": url, "length": length, "type": "image/jpeg"}]
    assert entries["Far"].media_content == [
        {"url": REMOTE, "type": "image/jpeg", "medium": "image"}
    ]
    assert not entries["Plain"].get("enclosures") and "media_content" not in entries["Plain"]
    tag = (out / "tags/space/feed.xml").read_text()
    assert "xmlns:media" not in tag and f'<enclosure url="{url}"' in tag  # a remote image's


def test_atom_links_the_image_as_an_enclosure(make_site: SiteMaker) -> None:
    out = build_with_cli(image_site(make_site))
    entries = {entry.title: entry for entry in parse_feed(out / "atom.xml").entries}
    length = str((out / "2025/rocket.jpg").stat().st_size)
    url = "https://example.org/2025/rocket.jpg"
    assert entries["Launch"].enclosures == [{"href": url, "type": "image/jpeg", "length": length}]
    assert entries["Far"].enclosures == [{"href": REMOTE, "type": "image/jpeg"}]  # no length
    assert not entries["Plain"].enclosures
    alternates = [link.href for link in entries["Launch"].links if link.rel == "alternate"]
    assert alternates == ["https://example.org/2025/03/12/launch/"]


def test_json_feed_items_name_their_image(make_site: SiteMaker) -> None:
    out = build_with_cli(image_site(make_site))
    items = {item["title"]: item for item in json.loads((out / "feed.json").read_text())["items"]}
    assert items["Launch"]["image"] == "https://example.org/2025/rocket.jpg"
    assert items["Far"]["image"] == REMOTE and "image" not in items["Plain"]


def test_cards_and_digests_show_a_lazy_thumbnail(make_site: SiteMaker) -> None:
    out = build_with_cli(image_site(make_site))
    for page in ("index.html", "tags/space/index.html", "digest/2025-03-12/index.html"):
        html = lxml.html.fromstring((out / page).read_bytes())
        [thumbnail] = [img for img in html.iter("img") if "rocket" in img.get("src", "")]
        assert thumbnail.get("src") == "/2025/rocket-480w.jpg", page
        assert (thumbnail.get("width"), thumbnail.get("height")) == ("480", "320")
        assert thumbnail.get("loading") == "lazy" and thumbnail.get("alt") == ""
    home = (out / "index.html").read_text()
    assert f'class="thumbnail" src="{REMOTE}" alt=""' in home  # its size is not known


def test_a_digest_feed_item_has_an_email_safe_thumbnail(make_site: SiteMaker) -> None:
    site = image_site(make_site)
    result = run_digest("build", "--site", site, env=LATER)
    assert result.returncode == 0, result.stderr
    rss = etree.parse(site / "output/digest/feed.xml").getroot()
    items = [e.text or "" for e in rss.iter("{http://purl.org/rss/1.0/modules/content/}encoded")]
    launch = next(item for item in items if "Launch" in item)
    img = lxml.html.fragment_fromstring(launch, create_parent="div").find(".//img")
    assert img is not None and img.get("src") == "https://example.org/2025/rocket-480w.jpg"
    assert (img.get("width"), img.get("height")) == ("120", "80") and img.get("style")
    assert "srcset" not in img.attrib and "class" not in img.attrib


def test_a_changed_image_makes_what_a_cold_build_makes(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    site, out = image_site(make_site), tmp_path / "out"
    build_site(site, out)
    copy = (out / "2025/rocket-480w.jpg").read_bytes()
    (site / "content/2025/rocket.jpg").write_bytes(picture(900, 900))  # its article as it was
    build_site(site, out)
    assert_same_as_cold(site, out)
    assert 'width="900" height="900"' in (out / PAGE).read_text()
    assert (out / "2025/rocket-480w.jpg").read_bytes() != copy
    assert "2025/rocket-960w.jpg" not in tree(out)
    (site / "content/2025/rocket.jpg").write_bytes(picture(900, 900, "JPEG", turned=1))
    build_site(site, out)  # the same size, other bytes: the copy is made again
    assert_same_as_cold(site, out)
    edit(site, "content/2025/launch.md", "image: rocket.jpg", "image: /2025/other.png")
    (site / "content/2025/other.png").write_bytes(picture(1000, 500, "PNG"))
    build_site(site, out)
    assert_same_as_cold(site, out)


def test_a_body_photo_that_comes_or_goes_makes_what_a_cold_build_makes(
    make_site: SiteMaker, tmp_path: Path
) -> None:
    body = "Intro.\n\n![The pad](pad.jpg)\n"
    site = make_site({"content/2025/launch.md": article("Launch", id="launch", body=body)})
    out = tmp_path / "out"
    build_site(site, out)  # pad.jpg is not there yet: no lead image
    assert "og:image" not in (out / PAGE).read_text()
    (site / "content/2025/pad.jpg").write_bytes(picture(1000, 600))
    build_site(site, out)
    assert "og:image" in (out / PAGE).read_text()
    assert_same_as_cold(site, out)
    (site / "content/2025/pad.jpg").unlink()
    build_site(site, out)
    assert "og:image" not in (out / PAGE).read_text()
    assert_same_as_cold(site, out)


def test_an_image_gone_fails_the_build_and_keeps_the_output(make_site: SiteMaker) -> None:
    site = image_site(make_site)
    out = build_with_cli(site)
    before = tree(out)
    (site / "content/2025/rocket.jpg").unlink()
    failed = run_digest("build", "--site", site)
    assert failed.returncode == 1
    assert re.search(r"content/2025/launch\.md:5: lead image: no such file", failed.stderr)
    assert tree(out) == before
