"""A 5,000-character live script through the checker (Aho-Corasick automaton + compiled patterns + exceptions),
against a baseline in the same run: a plain ``str.find`` loop over the same word lists (no patterns, no
exceptions). Also the cost of building the checker once, and the labelled set (~170 lines) one line at a time.

    .venv/bin/python bench/scriptcheck.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import describe, timed  # noqa: E402
from lms.scriptcheck import rules  # noqa: E402
from lms.scriptcheck.checker import Checker  # noqa: E402

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "scriptcheck" / "labelled.tsv"


def script_of(length: int) -> str:
    """Labelled lines (half compliant, half not) repeated until ``length`` characters."""
    lines = [raw.split("\t")[2] for raw in LABELLED.read_text(encoding="utf-8").splitlines()
             if raw and not raw.startswith("#")]
    out, i = [], 0
    while sum(len(line) + 1 for line in out) < length:
        out.append(lines[i % len(lines)])
        i += 1
    return "\n".join(out)[:length]


def main() -> None:
    start = time.perf_counter()
    ruleset = rules.load()
    loaded = time.perf_counter()
    checker = Checker(ruleset)
    built = time.perf_counter()
    print(f"load rules.yaml: {(loaded - start) * 1e3:.1f} ms; build automaton: {(built - loaded) * 1e3:.1f} ms "
          f"({sum(len(r.words) for r in ruleset.rules)} words, {sum(len(r.patterns) for r in ruleset.rules)} patterns)")
    words = sorted({w for r in ruleset.rules for w in r.words})

    def find_loop(text: str) -> int:
        hits = 0
        for word in words:
            pos = text.find(word)
            while pos != -1:
                hits += 1
                pos = text.find(word, pos + 1)
        return hits

    for length in (5_000, 20_000):
        text = script_of(length)
        report = checker.check(text, "general")
        print(f"\n{len(text)} characters, {text.count(chr(10)) + 1} lines: {len(report.findings)} findings")
        describe(f"checker.check ({length} chars, general)", timed(lambda: checker.check(text, "general"), 50))
        describe(f"checker.check ({length} chars, health_food)", timed(lambda: checker.check(text, "health_food"), 50))
        describe(f"baseline: str.find loop over {len(words)} words", timed(lambda: find_loop(text), 50))
    rows = [raw.split("\t") for raw in LABELLED.read_text(encoding="utf-8").splitlines()
            if raw and not raw.startswith("#")]
    describe(f"labelled set, {len(rows)} lines one by one",
             timed(lambda: [checker.check(t, c) for _e, c, t in rows], 20))


if __name__ == "__main__":
    main()
