"""Lead images: where they come from, the errors they make, their resized copies, and how
the article's page shows them (feeds, link previews and the cache: test_image_uses.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SiteMaker, article, build_with_cli, run_digest, tree
from pictures import metadata, picture, size_and_format

from generator.variants import ResizedImage, resized

PAGE = "2025/03/12/launch/index.html"
ALT = "A rocket on its pad"


def launch(**meta: str) -> str:
    """The article `content/2025/launch.md` would hold, with `meta` first in its front
    matter (its first key on line 4)."""
    return article("Launch", **meta, id="launch", body="The launch was delayed.")


def figure(page: str) -> str:
    """The lead image's figure on an article page."""
    found = re.search(r'<figure class="lead-image".*?</figure>', page, re.DOTALL)
    assert found, page
    return found[0]


def test_an_image_beside_the_article_gets_copies_in_a_srcset(make_site: SiteMaker) -> None:
    site = make_site(
        {
            "content/2025/launch.md": launch(image="rocket.jpg", image_alt=f"'{ALT}'"),
            "content/2025/rocket.jpg": picture(1200, 800),
        }
    )
    out = build_with_cli(site)
    assert size_and_format(out / "2025/rocket-480w.jpg") == (480, 320, "JPEG")
    assert size_and_format(out / "2025/rocket-960w.jpg") == (960, 640, "JPEG")
    assert not (out / "2025/rocket-1440w.jpg").exists()  # never made bigger
    html = figure((out / PAGE).read_text())
    srcset = "/2025/rocket-480w.jpg 480w, /2025/rocket-960w.jpg 960w, /2025/rocket.jpg 1200w"
    assert f'src="/2025/rocket.jpg" srcset="{srcset}"' in html
    assert 'width="1200" height="800"' in html and f'alt="{ALT}"' in html
    assert 'fetchpriority="high"' in html and "loading=" not in html


def test_a_site_path_under_a_base_path_in_png(make_site: SiteMaker) -> None:
    config = "title: T\nbase_url: https://example.org/news/\ntimezone: UTC\nsearch: false\n"
    files = {
        "content/2025/launch.md": launch(image="/images/chart.png", image_alt=ALT),
        "content/images/chart.png": picture(1000, 500, "PNG"),
    }
    out = build_with_cli(make_site(files, config))
    assert size_and_format(out / "images/chart-960w.png") == (960, 480, "PNG")
    html = figure((out / PAGE).read_text())
    assert 'src="/news/images/chart.png"' in html and "/news/images/chart-480w.png 480w" in html


def test_webp_copies_are_webp_and_small_images_have_none(make_site: SiteMaker) -> None:
    files = {
        "content/2025/launch.md": launch(image="wide.webp", image_alt=ALT),
        "content/2025/wide.webp": picture(600, 300, "WEBP"),
        "content/2025/other.md": article("Other", id="o", image="small.jpg", image_alt=ALT),
        "content/2025/small.jpg": picture(400, 300),
    }
    out = build_with_cli(make_site(files))
    assert size_and_format(out / "2025/wide-480w.webp") == (480, 240, "WEBP")
    made = {name for name in tree(out) if name.startswith("2025/") and "-" in name[5:]}
    assert made == {"2025/wide-480w.webp"}  # no copy of small.jpg: it is narrower than 480
    other = figure((out / "2025/03/12/other/index.html").read_text())
    assert "srcset" not in other and 'width="400" height="300"' in other


def test_copies_are_upright_without_metadata_and_the_same_every_time(tmp_path: Path) -> None:
    data = picture(1200, 800, turned=6)  # shown turned a quarter: 800 x 1200
    first, second = (resized(data, 480, 720, "JPEG") for _ in range(2))
    assert first == second
    (tmp_path / "copy.jpg").write_bytes(first)
    assert size_and_format(tmp_path / "copy.jpg") == (480, 720, "JPEG")
    assert metadata(tmp_path / "copy.jpg") == {}
    png = picture(800, 400, "PNG")
    assert resized(png, 480, 240, "PNG") == resized(png, 480, 240, "PNG")


def test_a_turned_photo_is_measured_as_shown(make_site: SiteMaker) -> None:
    files = {
        "content/2025/launch.md": launch(image="tall.jpg", image_alt=ALT),
        "content/2025/tall.jpg": picture(1200, 800, turned=6),
    }
    out = build_with_cli(make_site(files))
    assert 'width="800" height="1200"' in figure((out / PAGE).read_text())
    assert size_and_format(out / "2025/tall-480w.jpg") == (480, 720, "JPEG")


def test_two_builds_make_the_same_copies(make_site: SiteMaker, tmp_path: Path) -> None:
    files = {
        "content/2025/launch.md": launch(image="rocket.jpg", image_alt=ALT),
        "content/2025/rocket.jpg": picture(1500, 1000),
    }
    site = make_site(files)
    for name in ("one", "two"):
        build_with_cli(site, "--no-cache", "--output", tmp_path / name)
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one == two and "2025/rocket-1440w.jpg" in one


def test_an_svg_a_gif_and_a_remote_image_are_used_as_they_are(make_site: SiteMaker) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200"><rect/></svg>'
    remote = "https://images.example.net/launch.jpg"
    files = {
        "content/2025/launch.md": launch(image="map.svg", image_alt=ALT),
        "content/2025/map.svg": svg,
        "content/2025/gif.md": article("Gif", id="g", image="loop.gif", image_alt=ALT),
        "content/2025/loop.gif": picture(900, 600, "GIF"),
        "content/2025/far.md": article("Far", id="f", image=remote, image_alt=ALT),
    }
    out = build_with_cli(make_site(files))
    assert 'src="/2025/map.svg" width="300" height="200"' in figure((out / PAGE).read_text())
    gif = figure((out / "2025/03/12/gif/index.html").read_text())
    assert 'src="/2025/loop.gif" width="900" height="600"' in gif and "srcset" not in gif
    far = figure((out / "2025/03/12/far/index.html").read_text())
    assert f'src="{remote}" alt="{ALT}"' in far
    assert not [name for name in tree(out) if re.search(r"-\d+w\.", name)]  # no copies


def test_the_bodys_first_photo_is_the_lead_image_shown_once(make_site: SiteMaker) -> None:
    body = "Before.\n\n![The pad at dawn](pad.jpg)\n\n![A second](second.jpg)\n"
    files = {
        "content/2025/launch.md": article("Launch", id="launch", body=body),
        "content/2025/pad.jpg": picture(1000, 500),
        "content/2025/second.jpg": picture(600, 600),
    }
    out = build_with_cli(make_site(files))
    page = (out / PAGE).read_text()
    assert '<meta property="og:image" content="https://example.org/2025/pad.jpg">' in page
    assert '<meta property="og:image:alt" content="The pad at dawn">' in page
    assert "lead-image" not in page and page.count('src="/2025/pad.jpg"') == 1
    assert 'class="thumbnail" src="/2025/pad-480w.jpg"' in (out / "index.html").read_text()


@pytest.mark.parametrize(
    "body",
    [
        "![A map](map.svg)\n\n![A photo](photo.jpg)\n",  # a diagram first
        "![Gone](gone.jpg)\n\n![A photo](photo.jpg)\n",  # a file the site lacks
        "Text alone.\n",
    ],
)
def test_a_body_without_a_photo_first_has_no_lead_image(make_site: SiteMaker, body: str) -> None:
    files = {
        "content/2025/launch.md": article("Launch", id="launch", body=body),
        "content/2025/map.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
        "content/2025/photo.jpg": picture(800, 600),
    }
    out = build_with_cli(make_site(files))
    page = (out / PAGE).read_text()
    assert "og:image" not in page and '<meta name="twitter:card" content="summary">' in page
    assert "photo-480w.jpg" not in tree(out)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "content/2025/launch.md:4: lead image: no such file: content/2025/rocket.jpg"),
        (
            {"content/2025/rocket.jpg": b"not a picture"},
            "content/2025/launch.md:4: lead image: content/2025/rocket.jpg is not a JPEG, "
            "PNG, WebP, GIF, AVIF or SVG image",
        ),
        (
            {"content/2025/rocket.jpg": picture(800, 600)[:300]},
            "content/2025/launch.md:4: lead image: content/2025/rocket.jpg cannot be read",
        ),
    ],
)
def test_a_lead_image_that_is_missing_or_broken_is_an_error_and_keeps_the_output(
    make_site: SiteMaker, files: dict[str, bytes], message: str
) -> None:
    site = make_site({"content/2025/launch.md": launch()})
    out = build_with_cli(site)
    before = tree(out)
    (site / "content/2025/launch.md").write_text(launch(image="rocket.jpg", image_alt=ALT))
    for name, data in files.items():
        (site / name).write_bytes(data)
    failed = run_digest("build", "--site", site)
    assert failed.returncode == 1
    assert message in failed.stderr
    assert tree(out) == before


def test_a_broken_first_body_photo_is_an_error_at_its_line(make_site: SiteMaker) -> None:
    body = "Before.\n\nAnd then:\n\n![Pad](pad.jpg)\n"
    files = {
        "content/2025/launch.md": article("Launch", id="launch", body=body),
        "content/2025/pad.jpg": b"\xff\xd8\xff broken",
    }
    failed = run_digest("build", "--site", make_site(files))
    assert failed.returncode == 1
    assert "content/2025/launch.md:11: lead image: content/2025/pad.jpg" in failed.stderr


def test_a_photo_cut_short_after_its_header_is_an_error_of_its_file(make_site: SiteMaker) -> None:
    files = {
        "content/2025/launch.md": launch(image="rocket.jpg", image_alt=ALT),
        "content/2025/rocket.jpg": picture(800, 600)[:2000],  # its header whole, not its pixels
    }
    failed = run_digest("build", "--site", make_site(files))
    assert failed.returncode == 1
    assert "content/2025/rocket.jpg: cannot be resized: image file is truncated" in failed.stderr


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("../../../etc/passwd.jpg", "image '../../../etc/passwd.jpg' is outside content/"),
        ("ftp://example.org/a.jpg", "image must be a path beside the article"),
        ("rocket.jpg?v=2", "image must be a path beside the article"),
    ],
)
def test_an_image_outside_the_site_is_an_error(
    make_site: SiteMaker, image: str, message: str
) -> None:
    site = make_site({"content/2025/launch.md": launch(image=f"'{image}'", image_alt=ALT)})
    failed = run_digest("build", "--site", site)
    assert failed.returncode == 1
    assert f"content/2025/launch.md:4: {message}" in failed.stderr


def test_an_image_without_alternative_text_is_a_warning(make_site: SiteMaker) -> None:
    files = {
        "content/2025/launch.md": launch(image="rocket.jpg"),
        "content/2025/rocket.jpg": picture(640, 480),
    }
    checked = run_digest("check", "--site", make_site(files))
    assert "content/2025/launch.md:4: warning: image without image_alt" in checked.stderr


def test_the_json_ld_names_the_image_with_its_size(make_site: SiteMaker) -> None:
    files = {
        "content/2025/launch.md": launch(image="rocket.jpg", image_alt=ALT),
        "content/2025/rocket.jpg": picture(1200, 800),
    }
    page = (build_with_cli(make_site(files)) / PAGE).read_text()
    block = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.DOTALL)
    assert block
    image = json.loads(block[1])["image"]
    url = "https://example.org/2025/rocket.jpg"
    assert image == {"@type": "ImageObject", "url": url, "width": 1200, "height": 800}


def test_a_copy_is_keyed_on_its_originals_bytes_size_and_format(tmp_path: Path) -> None:
    from generator.incremental.keys import OutputKeys
    from generator.outputs import Output
    from generator.settings.config import SiteConfig

    keys = OutputKeys(None, SiteConfig())  # type: ignore[arg-type]
    base = ResizedImage(tmp_path / "a.jpg", "f" * 64, 480, 320, "JPEG", "13.0.0")
    others = [base._replace(**{field: value}) for field, value in OTHER_PARTS.items()]
    made = [keys.output_key(Output("a-480w.jpg", "content/a.jpg", bytes, s)) for s in others]
    key = keys.output_key(Output("a-480w.jpg", "content/a.jpg", bytes, base))
    assert key not in made and len(set(made)) == len(made)
    moved = base._replace(path=tmp_path / "b.jpg")  # the same bytes elsewhere: the same copy
    assert keys.output_key(Output("b-480w.jpg", "content/b.jpg", bytes, moved)) == key


OTHER_PARTS = {"fingerprint": "e" * 64, "width": 481, "height": 321, "format": "PNG"}
OTHER_PARTS |= {"pillow": "14.0.0"}


def test_the_sample_sites_photo_leads_its_article(sample: Path) -> None:
    page = sample / "2025/03/13/tokyo-hosts-regional-forum-on-space-debris-monitoring/index.html"
    html = page.read_text()
    url = "https://news.example.org/2025/03/falcon-9-launch.jpg"
    assert f'<meta property="og:image" content="{url}">' in html
    assert "/2025/03/falcon-9-launch-480w.jpg 480w" in figure(html)
    assert size_and_format(sample / "2025/03/falcon-9-launch-480w.jpg") == (480, 320, "JPEG")
