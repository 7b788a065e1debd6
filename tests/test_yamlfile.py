"""Front matter of flat `key: value` lines, read without the YAML loader, reads as the
safe C loader reads it: the same values, of the same types, on the same lines.

Documents are made of keys and values of every kind that front matter holds
(quoted, plain, dates, numbers, booleans, lists), near misses of them and
characters that mean something to YAML. Where `_flat_mapping` answers, its
answer is the loader's; where it does not, the loader reads the document.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from factories import mostly
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.yamlfile import YamlError, _flat_mapping, load_mapping

KEYS = ["title", "date", "id", "tags", "summary", "source", "draft", "slug", "author", "x_1",
        "updated", "Title", "a-b", "_k"]  # fmt: skip
ODD_KEYS = ["on", "yes", "null", "2025", "-k", "k k", "ü", "[k]", '"k"']
PLAIN = ["Seoul", "example.org", "https://example.org/a_b?x=1#c", "It's here", "a, b",
         "a [b] {c}", "a#b", "a & b", "50%", "2025-03-11", "2025-03-11T18:40:00+09:00",
         "2025-03-11 18:40:00 +0900", "2025-3-1 1:02:03", "1", "-1", "+1", "0x1F", "0o17",
         "017", "1_000", "1.5", "1e3", "1.0e+3", ".5", ".inf", "-.inf", ".NaN", "12:30",
         "true", "True", "TRUE", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~",
         "=", "<<", "ünïcödé 東京", "a  b", "a\u00a0b", "a:b"]  # fmt: skip
MISSES = ["a: b", "a #b", "a:", "-x", "- x", "? x", ":x", "&a x", "*a", "!!str x", "!x",
          "|", ">", "%x", "@x", "`x`", "{a: b}", "{}", "[a, [b]]", "[a, b,]", "[,]", "[a",
          '"a', "'a", '"a\\"b"', '"a\\nb"', "'it''s'", '"a" #c', "'a' b", "a ", " a",
          "a\tb", "a\rb", "a\x85b", "a\u2028b", "\ufeffa", "a\x07b", "x\n  y"]  # fmt: skip
QUOTED = ['"Seoul, said: #1 & more"', "'single: quoted #x'", '""', "''", '"ünï 東京"',
          '"yes"', "'2025-03-11'", '"it\'s"', "'say \"hi\"'"]  # fmt: skip
FLOW = ["[]", "[ ]", "[a]", "[north-korea, russia]", "[South Korea, Economy]", "[1, 2.5, yes]",
        "[a.b, c/d, e_f]", '["a, b", c]', "['x', \"y\"]", "[ a , b ]", "[2025-03-11]",
        "[null, ~]", "[a  b]"]  # fmt: skip


values = st.sampled_from(PLAIN) | st.sampled_from(QUOTED) | st.sampled_from(FLOW) | st.just("")
odd_values = st.one_of(st.sampled_from(MISSES), st.text(max_size=6))
odd_lines = st.sampled_from(["", "# a comment", "#", "  # indented comment", "...", "---", "- a"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """`key: value` lines, with now and then a line, a key, a separator or a value
    that is not of the usual kind."""
    keys = draw(st.lists(mostly(KEYS, ODD_KEYS), max_size=8, unique=True))
    lines = []
    for key in keys:
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(odd_lines))
        separator = draw(mostly([": "], [":", ":  ", " : "]))
        value = draw(odd_values) if draw(st.integers(0, 9)) == 0 else draw(values)
        lines.append(f"{key}{separator}{value}")
    if draw(st.integers(0, 9)) == 0 and lines:
        lines.append(lines[0])  # a key twice
    return "\n".join(lines)


def as_loaded(data: dict[str, Any]) -> str:
    """Values with their types: `True == 1` and `1 == 1.0` in Python, not here."""
    return repr(data)


def c_loader(text: str) -> tuple[dict[str, Any], dict[str, int]] | str:
    """What the C loader makes of `text`, the way load_mapping reads it, or its error."""
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        return f"error: {exc}"
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        return "not a mapping"
    return data, {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example("title: a\ntitle: b")
@example("on: x")
@example("date: 2025-03-11T18:40:00+09:00\ntags: [1, yes, ~]")
def test_flat_front_matter_reads_as_the_c_loader_reads_it(text: str) -> None:
    flat = _flat_mapping(text)
    if flat is None:
        return
    loaded = c_loader(text)
    assert not isinstance(loaded, str), loaded
    assert (as_loaded(flat[0]), flat[1]) == (as_loaded(loaded[0]), loaded[1])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_load_mapping_gives_what_it_gave_without_the_shortcut(text: str) -> None:
    def load(text: str) -> object:
        try:
            data, lines = load_mapping(text)
            return as_loaded(data), lines
        except YamlError as error:
            return str(error), error.line

    with_shortcut = load(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("generator.yamlfile._flat_mapping", lambda text: None)
        assert load(text) == with_shortcut


FRONT_MATTER = """\
title: "North Korea Fires Several Cruise Missiles Off West Coast, Seoul Says"
date: 2025-03-11T18:40:00+09:00
id: e34c6180-3ec9-4d28-8aba-6d28c9730928
summary: "South Korea's military said it detected several cruise missiles."
source: example.org
author: Defense Desk
tags: [DPRK, South Korea, Defense]
draft: false
"""


def test_front_matter_of_the_usual_shape_is_read_without_the_loader() -> None:
    flat = _flat_mapping(FRONT_MATTER)
    assert flat is not None
    assert flat == c_loader(FRONT_MATTER)
    assert flat[0]["tags"] == ["DPRK", "South Korea", "Defense"]
    assert flat[0]["draft"] is False
    assert flat[1] == {"title": 1, "date": 2, "id": 3, "summary": 4, "source": 5, "author": 6,
                       "tags": 7, "draft": 8}  # fmt: skip
