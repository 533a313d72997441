"""Which texts hold a word (validation/words.py): a sieve in front of regexes, so it must never miss one."""

from validation.words import AnyCase, Joined


def test_the_texts_holding_a_word_are_found_wherever_it_sits():
    texts = ["on track", "", "track", "nothing", "tracking back", "back on"]
    assert [0, 2, 4, 5] == Joined(texts).holding(["track", "on"]).tolist()


def test_a_word_is_never_found_across_two_texts():
    assert [] == Joined(["ab", "cd"]).holding(["bc"]).tolist()


def test_texts_holding_nul_leave_every_text_to_the_regex():
    assert [0, 1] == Joined(["a\x00b", "c"]).holding(["zzz"]).tolist()


def test_any_case_finds_words_in_any_case_and_keeps_every_text_beyond_ascii():
    assert [0, 2] == AnyCase(["WEEKLY review", "daily", "Buſineſs as usual", "nothing"]).holding(["weekly", "business"]).tolist()
