"""Character-level normalisation: full-width -> half-width, Traditional <-> Simplified."""

from __future__ import annotations
