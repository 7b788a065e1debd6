"""Read-only values that travel between processes: what stages hand each other."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class FrozenMapping(Mapping[str, Any]):
    """A read-only mapping that, unlike MappingProxyType, can travel between processes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:  # as a default value of a frozen dataclass must be
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"


def frozen(value: Any) -> Any:
    """`value` (as YAML gives it) with every mapping a FrozenMapping and every list a
    tuple, all the way down: settings templates read but cannot change."""
    if isinstance(value, Mapping):
        return FrozenMapping({str(k): frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value
