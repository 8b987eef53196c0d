"""bench/load.py's samples: what each simulated user's requests took, and the figures read
from them (the quiet p95 window, the longest request during an event)."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict

from bench.region import percentile

#: Seconds of the users alone before the events: the quiet p95 the events are held against.
BASELINE_SECONDS = 20


def counted(label: str) -> bool:
    """Whether a label's samples count toward the longest request and the p95 (not /healthz, not a full download)."""
    return label != "healthz" and not label.endswith((" full", " busy"))


class Run:
    """Samples per label while `running`; errors counted."""

    def __init__(self):
        self.samples: dict[str, list[tuple[float, float]]] = defaultdict(list)  # label -> [(start, seconds)]
        self.errors = 0
        #: (label, HTTP status or 0 for a broken connection) -> count, to say what failed.
        self.failed: Counter[tuple[str, int]] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def record(self, label: str, start: float, seconds: float, ok: bool, status: int = 0) -> None:
        with self.lock:
            self.samples[label].append((start, seconds))
            self.errors += 0 if ok else 1
            if not ok:
                self.failed[(label, status)] += 1


def longest_during(run: Run, start: float, end: float) -> tuple[float, str]:
    worst = (0.0, "")
    for label, samples in run.samples.items():
        if not counted(label):
            continue
        for t, s in samples:
            if t + s >= start and t <= end and s > worst[0]:
                worst = (s, label)
    return worst


def window_p95(run: Run, start: float, end: float) -> float:
    with run.lock:
        return percentile([s for lbl, v in run.samples.items() if counted(lbl) for t, s in v
                           if t >= start and t + s <= end], 0.95)
