"""Change over time of a host's stored results: each result's difference from the one before (and whether it
reaches the instrument's meaningful change) and the points of a small inline SVG line. Pure."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320, 120, 12


@dataclass(frozen=True)
class Step:
    score: int
    change: int | None  # None for the first result
    meaningful: bool
    x: float
    y: float


def steps(scores: list[int], max_score: int, meaningful_change: int) -> list[Step]:
    """One step per score, oldest first, placed on a WIDTH x HEIGHT drawing (0 at the bottom)."""
    out: list[Step] = []
    span = max(len(scores) - 1, 1)
    for n, value in enumerate(scores):
        change = value - scores[n - 1] if n else None
        x = PAD + (WIDTH - 2 * PAD) * (n / span if len(scores) > 1 else 0.5)
        y = PAD + (HEIGHT - 2 * PAD) * (1 - value / max_score if max_score else 1)
        out.append(Step(value, change, change is not None and abs(change) >= meaningful_change,
                        round(x, 1), round(y, 1)))
    return out


def polyline(points: list[Step]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in points)
