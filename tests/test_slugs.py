"""Titles and tag names -> URL path segments."""

from __future__ import annotations

import pytest

from generator.content.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("North Korea", "north-korea"),
        ("東京", "東京"),
        ("서울 증시", "서울-증시"),
        ("Café au lait!", "café-au-lait"),
        ("Zürich Bourse", "zürich-bourse"),
        ("Japan's", "japans"),
        ("Japan\u2019s Economy", "japans-economy"),
        ("U.S.\u2013China  trade -- talks", "u-s-china-trade-talks"),
        ("snake_case_name", "snake-case-name"),
        ("  --Leading and trailing--  ", "leading-and-trailing"),
        ("G7 2025", "g7-2025"),
        ("\uff26\uff35\uff2c\uff2c\u3000\uff37\uff29\uff24\uff34\uff28", "full-width"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_case_variants_share_a_slug() -> None:
    assert slugify("NORTH KOREA") == slugify("north korea") == slugify("North-Korea")
