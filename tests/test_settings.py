"""The Settings sheet is read by its labels, and every unusable value is named at its cell."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from validation.grid import SheetGrid
from validation.rag import RagRules
from validation.settings import Settings, SettingsProblem, find_setting, read_settings
from validation.status import StatusKeywords


def _grid(*rows):
    return SheetGrid("Settings", [list(r) for r in rows])


FULL = _grid(
    ["plansync settings"],
    ["Change the values in column B. Each row says what the setting does."],
    [],
    ["Setting", "Value", "What it means"],
    ["Plan name", "York Ofsted 2022", "Shown in reports"],
    ["Amber window (days)", 14],
    ["Today (override)", datetime(2022, 7, 31)],
    ["Support role sign-ins", "Business.Support@york.example; pa@york.example"],
    ["SharePoint site", "contoso.sharepoint.com:/sites/plans"],
    ["SharePoint list", "Action plans"],
    ["Graph URL", "https://graph.microsoft.com/v1.0/"],
    ["Last sync", None],
    [],
    ["Owners"],
    ["Lead (as written in the plan)", "Sign-in email(s); separate several with ;"],
    ["Head of QA", "qa.head@york.example"],
    ["Head of MASH, Head of QA", "mash.head@york.example, qa.head@york.example"],
    [],
    ["Status keywords"],
    ["Status", "Words and phrases that mean it, separated by commas"],
    ["At risk", "at risk, slipping; behind"],
    ["On track", None],
    [],
    ["Column overrides"],
    ["Field", "Column letter"],
    ["Plan sheet", "Plan"],
    ["Header row", 1],
    ["Ref", "c"],
    ["Target date", 4],
    ["Computed columns start at", "N"],
)


def test_every_setting_is_read_from_its_labelled_row():
    settings = Settings.from_grid(FULL)
    assert Settings(
        plan_name="York Ofsted 2022",
        amber_days=14,
        today=date(2022, 7, 31),
        owners={
            "Head of QA": ("qa.head@york.example",),
            "Head of MASH, Head of QA": ("mash.head@york.example", "qa.head@york.example"),
        },
        support=frozenset({"business.support@york.example", "pa@york.example"}),
        site="contoso.sharepoint.com:/sites/plans",
        list_name="Action plans",
        graph_url="https://graph.microsoft.com/v1.0",
        keywords=StatusKeywords(at_risk=("at risk", "slipping", "behind")),
        column_overrides={"ref": 3, "target": 4, "due": 14},
        plan_sheet="Plan",
        header_row=1,
        last_sync=None,
    ) == settings


def test_no_settings_sheet_means_the_defaults():
    assert Settings() == Settings.from_grid(None)
    assert 30 == Settings().amber_days


def test_settings_give_the_brag_rules():
    settings = Settings.from_grid(FULL)
    assert RagRules(amber_days=14, keywords=StatusKeywords(at_risk=("at risk", "slipping", "behind"))) == settings.rag_rules


def test_owners_are_found_ignoring_case_and_spacing():
    settings = Settings.from_grid(FULL)
    assert ("qa.head@york.example",) == settings.owners_for("  head of  QA ")
    assert () == settings.owners_for("DCS")


def test_rows_are_found_by_label_wherever_a_person_moved_them():
    grid = _grid(["A note a person added"], ["today:", "01/08/2022"], [], ["AMBER WINDOW", "7"])
    settings = Settings.from_grid(grid)
    assert (7, date(2022, 8, 1)) == (settings.amber_days, settings.today)


@pytest.mark.parametrize(
    "row, message",
    [
        (["Amber window (days)", "3O"], "Settings!B1: Amber window '3O' is not a number of days plansync can use. Write a whole number of days from 0 to 365, e.g. 30."),
        (["Amber window (days)", 400], "Settings!B1: Amber window '400' is not a number of days plansync can use. Write a whole number of days from 0 to 365, e.g. 30."),
        (["Today (override)", "31/02/2022"], "Settings!B1: Today (override) '31/02/2022' is not a date. Write a date such as 31/07/2022, or leave it empty to use the real date."),
        (["Support role sign-ins", "Business Support"], "Settings!B1: Support role sign-ins has 'Business', which is not an email address. Write sign-in emails, e.g. jane.smith@council.gov.uk (separate several with ;)."),
        (["Graph URL", "graph.microsoft.com"], "Settings!B1: Graph URL 'graph.microsoft.com' is not a web address. Write it like https://graph.microsoft.com/v1.0, or leave it empty."),
    ],
)
def test_an_unusable_value_is_named_at_its_cell(row, message):
    with pytest.raises(SettingsProblem) as caught:
        Settings.from_grid(_grid(row))
    assert message == str(caught.value)


def test_every_problem_is_collected_and_the_rest_still_counts():
    grid = _grid(
        ["Amber window (days)", "soon"],
        ["Plan name", "York"],
        ["Owners"],
        ["DCS", "Director of Children's Services"],
        ["Status keywords"],
        ["Nearly there", "almost"],
        ["Column overrides"],
        ["Target date", "D9"],
        ["Colour", "E"],
    )
    settings, problems = read_settings(grid)
    assert ("York", 30) == (settings.plan_name, settings.amber_days)
    assert [
        ("Settings!B1", "Amber window 'soon' is not a number of days plansync can use."),
        ("Settings!B4", "Owner sign-in for 'DCS' has 'Director', which is not an email address."),
        ("Settings!B6", "'Nearly there' is not a status plansync knows."),
        ("Settings!B8", "Column for 'Target date' is 'D9', which is not a column."),
        ("Settings!B9", "'Colour' is not a field plansync knows."),
    ] == [(p.cell, p.problem) for p in problems]
    assert (
        "Use one of: Signed off, Complete, Not complete yet (holds 'complete' back), Off track, At risk, On track, Not started."
    ) == problems[2].fix


def test_the_value_cell_of_a_setting_can_be_found_for_writing_back():
    assert (12, 2) == find_setting(FULL, "last_sync")
    assert find_setting(_grid(["Plan name", "x"]), "last_sync") is None
