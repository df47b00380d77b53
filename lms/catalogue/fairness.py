"""Quiz fairness: signals a test-wise host could pass a quiz by without knowing the subject.

Pure functions over parsed questions (no Flask, no database). Three signals, each a known item-writing flaw:

- **the key is the longest option**: in a single-choice question, the right answer is strictly longer than every
  distractor. Across a bank this should happen about as often as chance (1 in the number of options), not in most
  questions.
- **cue words in true/false statements**: absolute words such as 只要/一律/一定 mark a statement as false to anyone who
  has learnt that absolute statements are usually wrong. The share of false-keyed items with a cue word should be
  close to the share of true-keyed items with one.
- **unmarked multiple-answer questions**: a question where several options may be chosen must say so ("（多选）"),
  or hosts are graded on guessing the format.

The thresholds are the project's own; ``catalogue_thresholds`` documents them and the catalogue test holds every
shipped quiz to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words that make a statement absolute; their presence alone hints that a true/false item is false.
CUE_WORDS = ("只要", "一律", "就可以", "一定", "绝对", "所有", "任何", "永远", "总是", "必然", "完全", "全部", "都不", "都可以", "只能", "从不")
MULTI_MARKERS = ("多选", "多项")
_CUE = re.compile("|".join(map(re.escape, CUE_WORDS)))

#: The most a shipped quiz may show of each signal (shares, 0..1). Chance for a four-option question is 0.25.
MAX_KEY_LONGEST_SHARE = 0.40
MAX_CUE_GAP = 0.34
MAX_UNMARKED_MULTI = 0


@dataclass(frozen=True)
class QuizFairness:
    single_choice: int  # single-choice questions with a single best answer and at least two options
    key_longest: int  # ... whose keyed option is strictly the longest
    true_false_true: int  # true/false items keyed true
    true_false_false: int  # ... keyed false
    cue_in_true: int  # true-keyed items with a cue word
    cue_in_false: int  # false-keyed items with a cue word
    multi_unmarked: tuple[str, ...]  # names (or first words) of multiple-answer questions that do not say so

    @property
    def key_longest_share(self) -> float:
        return self.key_longest / self.single_choice if self.single_choice else 0.0

    @property
    def cue_gap(self) -> float:
        """How much more often false-keyed items carry a cue word than true-keyed ones (negative: the reverse)."""
        false_share = self.cue_in_false / self.true_false_false if self.true_false_false else 0.0
        true_share = self.cue_in_true / self.true_false_true if self.true_false_true else 0.0
        return false_share - true_share

    def as_dict(self) -> dict:
        return {
            "single_choice": self.single_choice,
            "key_longest": self.key_longest,
            "key_longest_share": round(self.key_longest_share, 3),
            "true_false": {"true": self.true_false_true, "false": self.true_false_false,
                           "cue_in_true": self.cue_in_true, "cue_in_false": self.cue_in_false,
                           "cue_gap": round(self.cue_gap, 3)},
            "multi_unmarked": list(self.multi_unmarked),
        }

    def problems(self) -> list[str]:
        """Plain-English reasons this quiz fails the thresholds (empty when it passes)."""
        found = []
        if self.single_choice >= 4 and self.key_longest_share > MAX_KEY_LONGEST_SHARE:
            found.append(f"the right answer is the longest option in {self.key_longest} of {self.single_choice} "
                         f"single-choice questions (at most {MAX_KEY_LONGEST_SHARE:.0%})")
        if self.true_false_true + self.true_false_false >= 4 and self.cue_gap > MAX_CUE_GAP:
            found.append(f"absolute words ({'/'.join(CUE_WORDS[:3])}…) appear in {self.cue_in_false} of "
                         f"{self.true_false_false} false statements but {self.cue_in_true} of "
                         f"{self.true_false_true} true ones")
        if len(self.multi_unmarked) > MAX_UNMARKED_MULTI:
            found.append("multiple-answer questions that do not say （多选）: " + ", ".join(self.multi_unmarked))
        return found


def _visible_length(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def has_cue_word(text: str) -> bool:
    return bool(_CUE.search(text))


def quiz_fairness(questions) -> QuizFairness:
    """Measure the three signals over a quiz's questions (objects with the quiz question model's attributes)."""
    single = longest = tf_true = tf_false = cue_true = cue_false = 0
    unmarked: list[str] = []
    for q in questions:
        if q.type == "multichoice" and len(q.answers) >= 2:
            keys = [a for a in q.answers if a.fraction >= 1.0]
            if len(keys) == 1:
                single += 1
                key_len = _visible_length(keys[0].text)
                if all(key_len > _visible_length(a.text) for a in q.answers if a is not keys[0]):
                    longest += 1
        elif q.type == "truefalse":
            cue = has_cue_word(q.text)
            if q.correct:
                tf_true += 1
                cue_true += cue
            else:
                tf_false += 1
                cue_false += cue
        elif q.type == "multiresponse" and not any(marker in q.text for marker in MULTI_MARKERS):
            unmarked.append(q.name or q.text[:20])
    return QuizFairness(single, longest, tf_true, tf_false, cue_true, cue_false, tuple(unmarked))
