"""Idle and automation signals (pure)."""

from lms.evidence import automation


def test_only_a_visible_page_with_recent_input_earns_time():
    assert automation.active(True, 0) and automation.active(True, 120)
    for visible, idle in ((False, 0), (None, 0), ("true", 0), (True, 121), (True, -1), (True, None), (True, True),
                          (True, "5")):  # fmt: skip
        assert not automation.active(visible, idle)


def test_clockwork_beats_are_flagged_and_a_browsers_are_not():
    assert automation.is_periodic([30000, 30001, 30000, 29999] * 3)
    browser_like = [30012, 29987, 30140, 29903, 30055, 30321, 29876, 30002, 30097, 29950, 30210, 29991]
    assert not automation.is_periodic(browser_like)
    assert not automation.is_periodic([30000] * 5)  # too few to judge


def test_a_long_unscrolled_lesson_is_flagged():
    assert automation.never_scrolled(True, 0, 180)
    assert not automation.never_scrolled(True, 0, 179)
    assert not automation.never_scrolled(True, 10, 600)
    assert not automation.never_scrolled(False, 0, 600)  # the lesson fits the screen: nothing to scroll


def test_a_flag_is_added_once():
    assert automation.with_flag(["periodic"], "periodic") == ["periodic"]
    assert automation.with_flag([], "parallel") == ["parallel"]
