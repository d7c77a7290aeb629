"""Shared fixtures. Each module's own fixtures live in its test file."""

from __future__ import annotations

import os

# Streamlit must never phone home, also when tests import it.
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
