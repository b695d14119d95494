"""What the command line prints on stdout as JSON: one line per object, Chinese as is."""

from __future__ import annotations

import json


def print_json(obj: object) -> None:
    """Print ``obj`` as one JSON line, its Chinese unescaped."""
    print(json.dumps(obj, ensure_ascii=False))
