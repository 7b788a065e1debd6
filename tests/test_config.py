"""site.yaml -> SiteConfig: defaults, every key, and the errors people make."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SiteMaker, run_digest

from generator.errors import SiteError
from generator.settings.config import SiteConfig, config_from_mapping, load_config
from generator.settings.yamlfile import YamlError, load_mapping


def config_error(site: Path, overrides: dict[str, object] | None = None) -> str:
    with pytest.raises(SiteError) as caught:
        load_config(site, overrides)
    return str(caught.value)


def test_empty_site_yaml_gives_the_defaults(make_site: SiteMaker) -> None:
    config = load_config(make_site(config=""))
    assert config == SiteConfig()
    assert (config.title, config.base_url, config.timezone) == (
        "News Digest",
        "http://localhost:8000/",
        "UTC",
    )
    assert (config.permalink, config.page_size, config.language) == (
        "/{year}/{month}/{day}/{slug}/",
        10,
        "en",
    )


def test_every_key_is_read(make_site: SiteMaker) -> None:
    site = make_site(
        config="""\
title: Korea Briefing
description: Daily news
base_url: https://news.example.org/
language: ko
timezone: Asia/Seoul
author: Desk
permalink: /{year}/{slug}/
page_size: 5
feed_items: 20
feed_content: summary
id_domain: news.example.org
disable: [sources, json, sources]
"""
    )
    assert load_config(site) == SiteConfig(
        title="Korea Briefing",
        description="Daily news",
        base_url="https://news.example.org/",
        language="ko",
        timezone="Asia/Seoul",
        author="Desk",
        permalink="/{year}/{slug}/",
        page_size=5,
        feed_items=20,
        feed_content="summary",
        id_domain="news.example.org",
        disable=("json", "sources"),
    )
    assert load_config(site).tz.key == "Asia/Seoul"
    assert not load_config(site).makes("sources") and load_config(site).makes("atom")


def test_unknown_key_names_its_line(make_site: SiteMaker) -> None:
    message = config_error(make_site(config="title: T\ncolour: red\n"))
    assert message.startswith("site.yaml:2: unknown key 'colour'; known keys: title, ")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('page_size: "ten"', "site.yaml:2: page_size must be int, got str"),
        ("page_size: true", "site.yaml:2: page_size must be int, got bool"),
        ("page_size: 10.0", "site.yaml:2: page_size must be int, got float"),
        ("page_size: 0", "site.yaml:2: page_size must be at least 1"),
        ("feed_items: -1", "site.yaml:2: feed_items must be at least 1"),
        ("feed_content: html", "site.yaml:2: feed_content must be one of full, summary"),
        ("id_domain: News.Example.org", "site.yaml:2: id_domain must be a lower-case domain"),
        ("description: [a, b]", "site.yaml:2: description must be str, got list"),
        ("title: X", "site.yaml:2: duplicate key 'title' (first on line 1)"),
        ("timezone: Mars/Olympus", "site.yaml:2: unknown timezone 'Mars/Olympus'"),
        ("timezone: ../../etc/passwd", "site.yaml:2: unknown timezone '../../etc/passwd'"),
        ("base_url: example.org", "site.yaml:2: base_url must be an absolute http(s) URL"),
        ("base_url: ftp://example.org/", "site.yaml:2: base_url must be an absolute http(s) URL"),
        ("permalink: /{slug}", "site.yaml:2: permalink must start and end with '/'"),
        ("permalink: '{slug}/'", "site.yaml:2: permalink must start and end with '/'"),
        ("permalink: /{year}/", "site.yaml:2: permalink must contain {slug}"),
        ("permalink: /{hour}/{slug}/", "site.yaml:2: permalink has unknown field {hour}"),
        ("permalink: /../{slug}/", "site.yaml:2: permalink must stay inside the output folder"),
        ("permalink: /{year}/../../{slug}/", "site.yaml:2: permalink must stay inside"),
        ("disable: digests", "site.yaml:2: disable must be list, got str"),
        ("disable: [atom, tags]", "site.yaml:2: disable may list digests, archive, sources"),
        ("disable: [[rss]]", "site.yaml:2: disable may list digests, archive, sources"),
    ],
)
def test_bad_value_names_key_and_line(make_site: SiteMaker, line: str, expected: str) -> None:
    assert config_error(make_site(config=f"title: T\n{line}\n")).startswith(expected)


def test_permalink_with_a_stray_brace_is_refused() -> None:
    with pytest.raises(SiteError, match="permalink"):
        config_from_mapping({"permalink": "/x}/{slug}/"})


def test_several_bad_keys_are_reported_together(make_site: SiteMaker) -> None:
    site = make_site(config="title: T\ncolour: red\npage_size: 0\ntimezone: Nowhere\n")
    with pytest.raises(SiteError) as caught:
        load_config(site)
    assert [(p.path, p.line) for p in caught.value.problems] == [
        ("site.yaml", 2),
        ("site.yaml", 3),
        ("site.yaml", 4),
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://example.org", "https://example.org/"),
        ("https://example.org/", "https://example.org/"),
        ("https://example.org/digest", "https://example.org/digest/"),
        ("http://localhost:8000//", "http://localhost:8000/"),
    ],
)
def test_base_url_ends_in_one_slash(given: str, expected: str) -> None:
    assert config_from_mapping({"base_url": given}).base_url == expected


@pytest.mark.parametrize("given", ["https://example.org/?ref=feed", "https://example.org/news#top"])
def test_base_url_with_query_or_fragment_is_refused(given: str) -> None:
    with pytest.raises(SiteError, match="base_url"):
        config_from_mapping({"base_url": given})


def test_missing_site_yaml_is_a_clear_error(tmp_path: Path) -> None:
    assert config_error(tmp_path) == f"site.yaml: no site.yaml in {tmp_path}"


def test_invalid_yaml_names_its_line(make_site: SiteMaker) -> None:
    assert config_error(make_site(config="title: T\nauthor: [unclosed\n")).startswith(
        "site.yaml:2: invalid YAML"
    )


def test_non_utf8_site_yaml_is_reported(make_site: SiteMaker) -> None:
    site = make_site()
    (site / "site.yaml").write_bytes(b"title: caf\xe9\n")
    assert config_error(site) == "site.yaml: not UTF-8 text"


def test_command_line_overrides_win(make_site: SiteMaker) -> None:
    site = make_site(config="title: T\nbase_url: https://example.org/\n")
    config = load_config(site, {"base_url": "https://staging.example.org/preview"})
    assert config.base_url == "https://staging.example.org/preview/"
    assert config.title == "T"


def test_overrides_are_validated(make_site: SiteMaker) -> None:
    message = config_error(make_site(config="title: T\n"), {"base_url": "not a url"})
    assert message.startswith("command line: base_url must be an absolute http(s) URL")


# yamlfile.load_mapping: the safe YAML reader behind site.yaml and front matter


def test_load_mapping_reports_the_line_of_each_key() -> None:
    data, lines = load_mapping("# settings\ntitle: T\n\ntags:\n  - a\n  - b\npage_size: 3\n")
    assert data == {"title": "T", "tags": ["a", "b"], "page_size": 3}
    assert lines == {"title": 2, "tags": 4, "page_size": 7}


def test_load_mapping_of_an_empty_document_is_empty() -> None:
    assert load_mapping("# nothing here\n") == ({}, {})


def test_load_mapping_refuses_python_tags_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(YamlError) as caught:
        load_mapping(f'title: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert "could not determine a constructor" in str(caught.value)
    assert caught.value.line == 1
    assert not marker.exists()


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a sentence\n", "42\n"])
def test_load_mapping_refuses_non_mappings(text: str) -> None:
    with pytest.raises(YamlError, match=r"^expected a mapping of `key: value` lines$"):
        load_mapping(text)


def test_load_mapping_refuses_non_string_keys() -> None:
    with pytest.raises(YamlError, match=r"^key '2025' must be a string$") as caught:
        load_mapping("title: T\n2025: year\n")
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("title: T\ntags: [a, b\nauthor: X\n", 2),
        ("title: T\nauthor: X\n  bad: indent\n", 3),
        ('title: T\nsummary: "never closed\n', 2),
    ],
)
def test_load_mapping_syntax_error_has_a_line(text: str, line: int) -> None:
    with pytest.raises(YamlError, match=r"^invalid YAML: ") as caught:
        load_mapping(text)
    assert caught.value.line == line


def test_a_control_character_in_a_setting_is_an_error_not_a_crash(make_site: SiteMaker) -> None:
    site = make_site(config='title: "Desk\\u0007"\nbase_url: https://example.org/\n')
    result = run_digest("build", "--site", site)
    assert result.returncode == 1
    assert "site.yaml:1: title holds a control character" in result.stderr
