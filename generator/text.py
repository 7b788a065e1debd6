"""Text clean-up shared by every output format."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids even escaped (all but tab, newlines, U+0020-U+D7FF,
# U+E000-U+FFFD and U+10000 up); HTML forbids them too. Listed rather than
# negated: the negated class takes ten times as long to compile.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# The forbidden characters below U+0080, the only ones that UTF-8 writes as bytes
# below 0x80: bytes are looked up five times as fast as characters are searched.
_FORBIDDEN_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0D})


def printable(text: str) -> str:
    """`text` without control characters that XML 1.0 and HTML forbid."""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate, forbidden
        return _FORBIDDEN.sub("", text)
    if len(data.translate(None, _FORBIDDEN_BYTES)) == len(data) and (
        text.isascii() or ("\ufffe" not in text and "\uffff" not in text)
    ):
        return text
    return _FORBIDDEN.sub("", text)


# A well-formed BCP 47 language tag, as `<html lang>` takes: a language, then an optional
# script, region and variants (en, en-GB, ja, zh-Hant-TW, sr-Latn).
_LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?(-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*"
)


def is_language_tag(text: str) -> bool:
    """Whether `text` is a well-formed BCP 47 language tag (ja, en-GB, zh-Hant-TW)."""
    return _LANGUAGE_TAG.fullmatch(text) is not None


def plural(count: int, noun: str) -> str:
    """`count` and `noun`, in the plural unless it is one: "1 article", "2 articles"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
