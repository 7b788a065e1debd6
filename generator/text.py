"""Text clean-up shared by every output format."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids even escaped (all but tab, newlines, U+0020-U+D7FF,
# U+E000-U+FFFD and U+10000 up); HTML forbids them too. Listed rather than
# negated: the negated class takes ten times as long to compile.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` without control characters that XML 1.0 and HTML forbid."""
    return _FORBIDDEN.sub("", text)
