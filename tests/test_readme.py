"""The README stays true: it documents every setting, front matter field and build option."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import REPO, run_digest

from generator.content.frontmatter import KNOWN_KEYS, LAYOUT
from generator.settings.config import SiteConfig
from generator.settings.subscriptions import GATHERING_KEYS, Gathering, Subscription

README = (REPO / "README.md").read_text(encoding="utf-8")


def table_keys(heading: str) -> set[str]:
    """The `code` names in the first column of the table under `heading`."""
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)`", section, re.MULTILINE))


def test_every_site_yaml_key_is_documented_with_its_default() -> None:
    documented = table_keys("## Configuration: `site.yaml`")
    gathering = {
        f"fetch_{f.name}" if f.name != "subscriptions" else f.name: f.default
        for f in dataclasses.fields(Gathering)
    }
    defaults = {f.name: f.default for f in dataclasses.fields(SiteConfig)} | gathering
    assert (
        documented
        == set(defaults)
        == {f.name for f in dataclasses.fields(SiteConfig)} | set(GATHERING_KEYS)
    )
    for name, value in defaults.items():
        mapping = name in ("tag_aliases", "authors", "params")  # else a list in YAML
        shown = {"": '""', (): "{}" if mapping else "[]"}.get(value, value)  # type: ignore[call-overload]
        shown = "{}" if name == "params" else shown
        assert f"| `{name}` | `{shown}` |" in README


def test_every_subscription_key_is_documented_with_its_default() -> None:
    documented = table_keys("## Gathering the news")
    fields = dataclasses.fields(Subscription)
    assert documented == {f.name for f in fields}
    for field in fields[1:]:
        shown = {"": '""', (): "[]"}.get(field.default, field.default)  # type: ignore[call-overload]
        assert f"| `{field.name}` | `{shown}` |" in README


def test_every_front_matter_field_is_documented() -> None:
    documented = table_keys("## Articles")
    aliases = {"description", "lastmod", "categories", "published", "authors"}
    aliases |= {"publishdate", "pubdate", "expirydate", "expires"}  # other spellings
    assert documented == KNOWN_KEYS - aliases | {LAYOUT}
    for alias in aliases:
        assert f"`{alias}`" in README


COMMANDS = ["build", "new", "import", "fetch", "subscriptions import", "subscriptions export"]


@pytest.mark.parametrize("command", [*COMMANDS, "check", "serve"])
def test_every_command_and_option_is_documented(command: str) -> None:
    help_text = run_digest(*command.split(), "--help").stdout
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text))
    assert "--site" in options
    assert f"| `digest {command}" in README
    section = README.split("## Command line", 1)[1].split("\n## ", 1)[0]
    for option in options:
        assert f"`{option}" in section or f"{option} " in section, option


def test_the_two_commands_are_the_ones_ci_runs() -> None:
    ci = (REPO / ".ci/run").read_text()
    test_command = ci.strip().splitlines()[-1]
    assert test_command in README
    assert ".venv/bin/digest build" in README
