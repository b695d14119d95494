"""numpy's BLAS held to one thread for a product in a process that answers questions.

OpenBLAS's threads, once woken, fight the encoder's for the two cores for as long as the
process lives: a load-time product on two threads slowed every later question by 3 ms at the
median and 9 ms at p95 (docs/performance.md, stop 41). Question cosines, the hubness a build
stores and the hubness an older generation computes at load all run inside this.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import Any

_BLAS: list[Any] = []  # threadpoolctl's controller of the BLAS libraries, made once
_BLAS_LOCK = threading.Lock()


def _controller() -> Any:
    """threadpoolctl's controller, made on first use (it looks the libraries up: ~1 ms)."""
    if not _BLAS:
        with _BLAS_LOCK:
            if not _BLAS:
                from threadpoolctl import ThreadpoolController

                _BLAS.append(ThreadpoolController())
    return _BLAS[0]


def one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS limited to one thread inside the block, the process's setting restored after."""
    return _controller().limit(limits=1, user_api="blas")
