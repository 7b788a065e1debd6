"""Text clean-up shared by every output format."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids even escaped; HTML forbids them too.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def printable(text: str) -> str:
    """`text` without control characters that XML 1.0 and HTML forbid."""
    return _FORBIDDEN.sub("", text)
