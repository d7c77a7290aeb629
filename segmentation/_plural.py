"""Counts in messages: "1 line", "3 lines"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` with thousands separators and the noun in the right number."""
    return f"{count:,} {noun if count == 1 else (plural or noun + 's')}"
