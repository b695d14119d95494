"""Loads a build needs before its first encode and tokenize, started in the background so they
overlap the reading of the previous generation and the sources."""

from __future__ import annotations

import threading

from ..store.encoders import Encoder
from ..store.tokenize import TokenMode
from ..store.tokenize import preload as tokenize_preload


def preload(encoder: Encoder | None, mode: TokenMode | None) -> list[threading.Thread]:
    """Load jieba's dictionary and the encoder's weights in the background while the previous
    generation is read and the sources are hashed and parsed: in a one-file rebuild these two
    loads are most of the time (docs/performance.md). Already-loaded ones cost nothing."""
    threads = [tokenize_preload()] if mode in ("jieba", "both") else []
    load = getattr(encoder, "load", None)  # encoders that load lazily have one (None: the
    # workers embed, this process never needs the model)
    if callable(load):
        def load_quietly() -> None:
            try:
                load()
            except Exception:  # the build's own first encode reports it properly
                pass

        threads.append(threading.Thread(target=load_quietly, name="encoder-preload",
                                        daemon=True))
        threads[-1].start()
    return threads
