"""The BRAG rules stored with the list for ``plansync refresh`` (sync.plan_rules), and the refresh cache file."""

from __future__ import annotations

import stat

import pytest

from sync.plan_rules import rules_from_json, rules_to_json
from sync.refresh_state import RefreshState, load_state, save_state
from validation.rag import RagRules
from validation.status import StatusKeywords


def test_rules_round_trip_through_their_json():
    rules = RagRules(amber_days=14, keywords=StatusKeywords(complete=("finished", "all done")))
    assert rules == rules_from_json(rules_to_json(rules))
    assert rules_to_json(rules) == rules_to_json(rules_from_json(rules_to_json(rules)))


def test_rules_json_missing_keys_keep_the_defaults_and_unknown_keys_are_ignored():
    assert RagRules(amber_days=45) == rules_from_json('{"amber_days": 45, "colour": "teal", "keywords": {"sparkle": ["x"]}}')


@pytest.mark.parametrize(
    "text, says",
    [
        ('{"amber_days": "thirty"}', "amber_days is 'thirty', not a whole number of days"),
        ('{"amber_days": -3}', "amber_days is -3, not a whole number of days"),
        ("[30]", "the rules are not a JSON object"),
        ('{"keywords": ["complete"]}', "keywords is not a JSON object"),
    ],
)
def test_rules_json_a_person_broke_is_refused_with_what_is_wrong(text, says):
    with pytest.raises(ValueError) as caught:
        rules_from_json(text)
    assert says == str(caught.value)


def test_the_cache_is_private_and_kept_per_list(tmp_path):
    here, there = {"server": "https://a", "list": "Actions"}, {"server": "https://b", "list": "Actions"}
    state = RefreshState(where=here, site_id="s", list_id="l", delta_link="/d?token=1", items={"7": {"key": "york:1.1", "rag": "Red"}})
    path = save_state(tmp_path, state)
    assert 0o600 == stat.S_IMODE(path.stat().st_mode)
    assert ({"7": {"key": "york:1.1", "rag": "Red"}}, False) == (load_state(tmp_path, here).items, load_state(tmp_path, here).first_run)
    assert (True, {}) == (load_state(tmp_path, there).first_run, load_state(tmp_path, there).items)


def test_a_damaged_cache_means_a_whole_read_not_a_crash(tmp_path):
    where = {"server": "https://a", "list": "Actions"}
    path = save_state(tmp_path, RefreshState(where=where, site_id="s", list_id="l", delta_link="x"))
    path.write_text("{not json", encoding="utf-8")
    assert load_state(tmp_path, where).first_run
