"""Drawing a paper for one attempt: pools per category, no repeats, shuffled order and options, storage."""

import itertools
import json
import random
from collections import Counter

import pytest

from lms.quizzes.gift import Answer, Question, parse
from lms.quizzes.paper import PaperItem, draw_paper, matching_answers, paper_from_json, paper_to_json

BANK = parse(
    """
Loose 1 {T}

Loose 2 {=yes ~no}

$CATEGORY: basics

B1 {=a ~b ~c ~d}

B2 {~%50%a ~%50%b ~c ~d}

About the basics

B3 {T}

B4 {=x -> 1 =y -> 1 =z -> 2 = -> 3}

B5 {=answer}

B6 {#3}

Another description

$CATEGORY: selling

S1 {=p ~q ~r}

S2 {}

S3 {F}

S4 {=one ~two ~three ~four ~five}
"""
)
INDEX = {q.text: i for i, q in enumerate(BANK)}
CATEGORY = [q.category for q in BANK]


def draw(rules, seed=0, **options):
    return draw_paper(BANK, rules, random.Random(seed), **options)


def indices(paper):
    return [item.question_index for item in paper]


def test_the_bank_is_what_the_tests_assume():
    assert [q.type for q in BANK].count("description") == 2
    assert Counter(CATEGORY) == {None: 2, "basics": 8, "selling": 4}


@pytest.mark.parametrize("seed", range(30))
def test_counts_per_pool_and_no_duplicates(seed):
    paper = draw([("basics", 4), ("selling", 3), (None, 3)], seed)
    drawn = indices(paper)
    assert len(drawn) == 10
    assert len(set(drawn)) == 10
    # The named rules take exactly their share; the None rule takes from the whole bank what is left.
    counts = Counter(CATEGORY[i] for i in drawn)
    assert counts["basics"] >= 4 and counts["selling"] >= 3
    assert all(BANK[i].type != "description" for i in drawn)


def test_without_shuffling_the_paper_follows_rule_order_then_bank_order():
    paper = draw([("selling", 2), ("basics", 3)], seed=7, shuffle_questions=False)
    drawn = indices(paper)
    assert [CATEGORY[i] for i in drawn] == ["selling"] * 2 + ["basics"] * 3
    assert drawn[:2] == sorted(drawn[:2]) and drawn[2:] == sorted(drawn[2:])


def test_drawing_a_whole_category_takes_every_gradable_question_and_no_description():
    for seed in range(20):
        drawn = set(indices(draw([("basics", 6)], seed)))
        assert drawn == {INDEX[t] for t in ("B1", "B2", "B3", "B4", "B5", "B6")}


def test_descriptions_do_not_count_towards_a_pool():
    with pytest.raises(
        ValueError, match=r"'basics' cannot supply 7 .* 6 gradable .*descriptions are not drawn: 2"
    ):
        draw([("basics", 7)])


def test_a_pool_too_small_names_the_category():
    with pytest.raises(ValueError, match=r"category 'selling' cannot supply 5 question\(s\): it has 4"):
        draw([("selling", 5)])


def test_an_unknown_category_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"category 'selers' .* categories in the bank: 'basics', 'selling'"):
        draw([("selers", 1)])


def test_the_whole_bank_too_small():
    with pytest.raises(ValueError, match=r"the question bank cannot supply 13 .* it has 12 gradable"):
        draw([(None, 13)])


def test_a_category_named_twice_never_repeats_a_question():
    for seed in range(20):
        drawn = indices(draw([("selling", 2), ("selling", 2)], seed))
        assert sorted(drawn) == [INDEX[t] for t in ("S1", "S2", "S3", "S4")]
    with pytest.raises(ValueError, match=r"2 already drawn by other rules; its rules ask for 5 in all"):
        draw([("selling", 2), ("selling", 3)])


def test_a_none_rule_never_takes_the_questions_a_category_rule_needs():
    # 12 gradable questions: 4 selling + 8 others. The None rule comes first but is served last.
    for seed in range(50):
        drawn = indices(draw([(None, 8), ("selling", 4)], seed))
        assert len(set(drawn)) == 12


def test_uncategorised_questions_are_only_in_the_whole_bank_pool():
    for seed in range(20):
        drawn = indices(draw([("basics", 6), ("selling", 4), (None, 2)], seed))
        assert {i for i in drawn if CATEGORY[i] is None} == {INDEX["Loose 1"], INDEX["Loose 2"]}


@pytest.mark.parametrize("count", [-1, 1.0, True, "2"])
def test_a_count_must_be_a_non_negative_int(count):
    with pytest.raises(ValueError, match="count must be an int >= 0"):
        draw([("basics", count)])


def test_empty_draws():
    assert draw([]) == []
    assert draw([("basics", 0), ("nowhere", 0)]) == []


def test_the_same_seed_gives_the_same_paper():
    rules = [("basics", 3), ("selling", 2), (None, 2)]
    assert draw(rules, seed=42) == draw(rules, seed=42)
    assert draw(rules, seed=42, shuffle_questions=False) == draw(rules, seed=42, shuffle_questions=False)


def test_different_seeds_give_different_papers():
    papers = [draw([("basics", 3), (None, 2)], seed) for seed in range(200)]
    pairs = list(itertools.combinations(papers, 2))
    differing = sum(a != b for a, b in pairs)
    assert differing / len(pairs) > 0.95
    # Question order alone, without which options are shown, already varies.
    orders = [tuple(indices(p)) for p in papers]
    assert len(set(orders)) > 150


def test_question_order_is_shuffled_only_when_asked():
    rules = [("selling", 4)]
    orders = {tuple(indices(draw(rules, seed))) for seed in range(100)}
    assert len(orders) > 10  # 24 possible
    fixed = {tuple(indices(draw(rules, seed, shuffle_questions=False))) for seed in range(100)}
    assert fixed == {tuple(INDEX[t] for t in ("S1", "S2", "S3", "S4"))}


@pytest.mark.parametrize("seed", range(30))
def test_option_orders_are_permutations_for_choice_and_matching_questions_only(seed):
    paper = draw([(None, 12)], seed)
    assert sorted(indices(paper)) == [i for i, q in enumerate(BANK) if q.type != "description"]
    for item in paper:
        question = BANK[item.question_index]
        if question.type in ("multichoice", "multiresponse"):
            assert sorted(item.option_order) == list(range(len(question.answers)))
            assert item.answer_order is None
        elif question.type == "matching":
            assert item.option_order is None
            assert sorted(item.answer_order) == [0, 1, 2]  # "1", "2", "3": the repeated "1" once
        else:
            assert item.option_order is None and item.answer_order is None


def test_option_orders_vary_with_the_seed():
    s4 = INDEX["S4"]
    orders = set()
    for seed in range(100):
        (item,) = [i for i in draw([("selling", 4)], seed) if i.question_index == s4]
        orders.add(tuple(item.option_order))
    assert len(orders) > 30  # 120 possible


def test_without_option_shuffling_orders_are_the_identity():
    paper = draw([(None, 12)], seed=3, shuffle_options=False)
    by_text = {BANK[item.question_index].text: item for item in paper}
    assert by_text["B1"].option_order == [0, 1, 2, 3]
    assert by_text["S4"].option_order == [0, 1, 2, 3, 4]
    assert by_text["B4"].answer_order == [0, 1, 2]
    assert by_text["B3"] == PaperItem(INDEX["B3"], None, None)


def test_matching_answers_are_the_distinct_texts_in_bank_order():
    assert matching_answers(BANK[INDEX["B4"]]) == ["1", "2", "3"]


def test_ordering_items_are_always_shuffled_never_shown_solved():
    ordering = Question("ordering", "Put in order", answers=[Answer(t, 1.0) for t in "abcd"])
    for seed in range(50):
        for shuffle in (True, False):
            (item,) = draw_paper([ordering], [(None, 1)], random.Random(seed), shuffle_options=shuffle)
            assert sorted(item.option_order) == [0, 1, 2, 3]
            assert item.option_order != [0, 1, 2, 3]


def test_json_round_trip():
    paper = draw([("basics", 6), ("selling", 4), (None, 2)], seed=5)
    stored = paper_to_json(paper)
    assert isinstance(stored, str)
    assert paper_from_json(stored) == paper
    assert paper_from_json(stored.encode()) == paper
    assert paper_from_json(json.loads(stored)) == paper  # what a JSON column hands back
    assert json.loads(paper_to_json([PaperItem(3, [1, 0], None)])) == [
        {"question_index": 3, "option_order": [1, 0], "answer_order": None}
    ]


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"question_index": 1}', "is a JSON array"),
        ("[1]", "item 0 is not an object"),
        ('[{"option_order": null}]', "item 0 is not an object with a question_index"),
        ('[{"question_index": -1}]', "question_index -1"),
        ('[{"question_index": true}]', "question_index True"),
        ('[{"question_index": 1}, {"question_index": 1}]', "question 1 appears twice"),
        ('[{"question_index": 1, "option_order": [0, 2]}]', "option_order .* not a permutation"),
        ('[{"question_index": 1, "answer_order": [0, 0]}]', "answer_order .* not a permutation"),
        ('[{"question_index": 1, "option_order": "01"}]', "not a permutation"),
    ],
)
def test_malformed_stored_papers_are_rejected(stored, message):
    with pytest.raises(ValueError, match=message):
        paper_from_json(stored)
