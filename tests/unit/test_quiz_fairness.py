"""Quiz fairness signals: the key as the longest option, cue words in true/false items, unmarked multiple answers."""

from lms.catalogue.fairness import has_cue_word, quiz_fairness
from lms.quizzes.gift import parse


def fairness(gift: str):
    return quiz_fairness(parse(gift))


LONGEST_KEY = "\n\n".join(
    f"::q{i}:: 问题{i}{{=这是一个很长很长的正确答案 ~短 ~也短 ~错}}" for i in range(4)
)


def test_a_bank_whose_key_is_always_the_longest_option_is_reported():
    f = fairness(LONGEST_KEY)
    assert (f.key_longest, f.single_choice) == (4, 4)
    assert any("longest option in 4 of 4" in p for p in f.problems())


def test_keys_of_ordinary_length_pass():
    gift = "\n\n".join(
        ["::a:: 问{=对 ~错误的长选项 ~另一个长选项}", "::b:: 问{=正确但很长的答案 ~短 ~短二}",
         "::c:: 问{=中等答案 ~更长的干扰选项 ~短}", "::d:: 问{=是 ~不是的长答案 ~也许吧}"])
    f = fairness(gift)
    assert f.key_longest == 1 and f.problems() == []


def test_ties_do_not_count_as_the_longest():
    f = fairness("::a:: 问{=一二三 ~四五六 ~七}")
    assert f.key_longest == 0


def test_cue_words_only_in_false_statements_are_reported():
    gift = "\n\n".join(
        ["::t1:: 主播应当核对资质。{T}", "::t2:: 广告不得含有虚假内容。{T}",
         "::f1:: 只要标了广告就可以随便说。{F}", "::f2:: 促销一律不用标价。{F}"])
    f = fairness(gift)
    assert (f.cue_in_true, f.cue_in_false, f.true_false_true, f.true_false_false) == (0, 2, 2, 2)
    assert any("absolute words" in p for p in f.problems())


def test_cue_words_balanced_across_true_and_false_pass():
    gift = "\n\n".join(
        ["::t1:: 直播前一定要核对资质。{T}", "::t2:: 广告不得含有虚假内容。{T}",
         "::f1:: 只要标了广告就可以随便说。{F}", "::f2:: 赠品不用标明品种。{F}"])
    assert fairness(gift).problems() == []


def test_multiple_answer_questions_must_say_so():
    unmarked = fairness("::m1:: 下列哪些是绝对化用语？{~%50%最佳 ~%50%国家级 ~%-100%优质}")
    marked = fairness("::m2:: 下列哪些是绝对化用语？（多选）{~%50%最佳 ~%50%国家级 ~%-100%优质}")
    assert unmarked.multi_unmarked == ("m1",) and unmarked.problems()
    assert marked.multi_unmarked == () and marked.problems() == []


def test_cue_word_detection():
    assert has_cue_word("只要付了钱就行")
    assert not has_cue_word("主播应当如实介绍商品")
