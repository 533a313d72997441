"""What a board asks of a plan: counts, BRAG, what is complete, and what is overdue (pure).

``board_summary(actions, rag)`` takes the actions frame and ``compute_rag``'s frame for it and
returns a ``BoardSummary``; ``plansync report`` lays it out on the Summary sheet and prints it as
JSON. Recommendations are named by their number: the number their text starts with
(``1. Consideration ...``, ``Recommendation No. 3``), else their refs' prefix (``2.13`` -> 2),
else their order in the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from validation.detect_rows import recommendation_number, ref_prefix
from validation.fields import RAG_VALUES, ROW_COL, SHEET_COL
from validation.signoff import as_day, sign_off


@dataclass(frozen=True)
class BoardSummary:
    """A plan's summary for a board.

    Attributes:
        recommendations: how many recommendations have actions.
        actions: how many actions.
        complete: how many actions are complete (Blue).
        by_rag: action count per BRAG value, in the order Blue, Green, Amber, Red.
        fully_complete_recommendations: numbers of recommendations whose actions are all complete.
        overdue: one dict per overdue action (``ref``, ``recommendation``, ``lead``, ``days_overdue``,
            and where it is: ``_plan``, ``_sheet``, ``_row``), most overdue first.
        by_recommendation: action count per recommendation (index: ``Rec 1``..., or ``<plan>: 1`` when
            the workbook holds several plans) and BRAG value (columns), in number order.
    """

    recommendations: int
    actions: int
    complete: int
    by_rag: dict[str, int]
    fully_complete_recommendations: list[int]
    overdue: list[dict]
    by_recommendation: pd.DataFrame
    # Sign-off (issue 16): ``complete`` counts both steps; these split it.
    signed_off: int = 0
    complete_awaiting_sign_off: int = 0
    signed_off_actions: list[dict] = ()  # type: ignore[assignment]
    sign_off_by_recommendation: pd.DataFrame | None = None

    def to_json(self) -> dict:
        """The summary as ``plansync report --json`` prints it."""
        return {
            "recommendations": self.recommendations,
            "actions": self.actions,
            "complete": self.complete,
            "complete_awaiting_sign_off": self.complete_awaiting_sign_off,
            "signed_off": self.signed_off,
            "signed_off_refs": [a["ref"] for a in self.signed_off_actions],
            "signed_off_actions": [{k: v for k, v in a.items() if not k.startswith("_")} for a in self.signed_off_actions],
            "by_rag": dict(self.by_rag),
            "fully_complete_recommendations": list(self.fully_complete_recommendations),
            "sign_off_by_recommendation": _sign_off_json(self.sign_off_by_recommendation),
            "overdue": [{k: v for k, v in o.items() if not k.startswith("_")} for o in self.overdue],
        }


def recommendation_numbers(actions: pd.DataFrame) -> pd.Series:
    """Each action's recommendation number (Int64; NA when it has no recommendation nor ref prefix)."""
    blank = pd.Series(None, index=actions.index, dtype=object)
    text = actions["recommendation"] if "recommendation" in actions else blank
    refs = actions["ref"] if "ref" in actions else blank
    codes, uniques = pd.factorize(text.astype(object), use_na_sentinel=True)
    numbers = pd.Series([recommendation_number(u) for u in uniques], dtype="Int64")
    prefix = pd.to_numeric(refs.map(ref_prefix), errors="coerce").astype("Int64")
    # Unnumbered recommendations take the next free numbers, in the order the plan lists them.
    missing = numbers.isna()
    if missing.any():
        known = pd.concat([numbers.dropna(), prefix.dropna()])
        start = int(known.max()) if len(known) else 0
        numbers[missing] = range(start + 1, start + 1 + int(missing.sum()))
    by_text = numbers.reindex(codes).to_numpy()
    result = pd.Series(pd.array(by_text, dtype="Int64"), index=actions.index)
    result[codes < 0] = pd.NA
    return result.fillna(prefix)


def count_recommendations(actions: pd.DataFrame) -> int:
    """How many recommendations have actions (each plan's counted apart)."""
    number = recommendation_numbers(actions)
    plans = actions["plan"].astype(object).where(actions["plan"].notna(), "") if "plan" in actions else pd.Series("", index=actions.index, dtype=object)
    keyed = pd.DataFrame({"plan": plans, "number": number}).dropna(subset=["number"])
    return len(keyed.drop_duplicates())


def board_summary(actions: pd.DataFrame, rag: pd.DataFrame) -> BoardSummary:
    """Summarise the plan (``rag`` is ``compute_rag(actions, ...)``, index-aligned).

    A workbook holding several plans (a ``plan`` column) counts each plan's recommendations
    apart: York's recommendation 1 is not Rotherham's.
    """
    number = recommendation_numbers(actions)
    plans = actions["plan"].astype(object).where(actions["plan"].notna(), "") if "plan" in actions else pd.Series("", index=actions.index, dtype=object)
    several = plans.nunique() > 1
    colour = rag["rag"].astype(object)
    complete = rag["complete"].astype(bool)
    by_rag = {value: int(colour.eq(value).sum()) for value in RAG_VALUES}

    keyed = pd.DataFrame({"plan": plans, "number": number, "rag": colour, "complete": complete}).dropna(subset=["number"])
    groups = keyed.groupby(["plan", "number"], sort=False)
    per_rec = pd.crosstab([keyed["plan"], keyed["number"]], keyed["rag"]).reindex(columns=list(RAG_VALUES), fill_value=0)
    per_rec = per_rec.astype(int).sort_index()
    per_rec.index = [f"{plan}: {int(n)}" if several else f"Rec {int(n)}" for plan, n in per_rec.index]
    per_rec.index.name = "recommendation"
    per_rec.columns.name = None
    all_done = groups["complete"].all()

    late = rag["overdue"].astype(bool).to_numpy()
    # Filter every part first: assigning to an empty frame would adopt the assigned Series' index.
    overdue_rows = actions.loc[late].assign(_days=rag.loc[late, "days_overdue"], _number=number[late])
    order = overdue_rows.sort_values(["_days", ROW_COL], ascending=[False, True], kind="stable")
    overdue = [
        {
            "ref": _text(row["ref"]),
            "recommendation": None if pd.isna(row["_number"]) else int(row["_number"]),
            "lead": _text(row["lead"]),
            "days_overdue": int(row["_days"]),
            "_plan": _text(plans[index]),
            "_sheet": row.get(SHEET_COL),
            "_row": int(row[ROW_COL]),
        }
        for index, row in order.iterrows()
    ]
    signed = _signed_off(actions, rag, number, several, plans)
    return BoardSummary(
        **signed,
        recommendations=int(groups.ngroups),
        actions=len(actions),
        complete=int(complete.sum()),
        by_rag=by_rag,
        fully_complete_recommendations=sorted(int(n) for (_, n), done in all_done.items() if done),
        overdue=overdue,
        by_recommendation=per_rec,
    )


def _signed_off(actions: pd.DataFrame, rag: pd.DataFrame, number: pd.Series, several: bool, plans: pd.Series) -> dict:
    """The sign-off split of the complete actions: counts, the signed-off actions, and per recommendation."""
    split = sign_off(actions, rag)
    rows = actions.loc[split["signed_off"].to_numpy()]
    listed = [
        {
            "ref": _text(row.get("ref")),
            "recommendation": None if pd.isna(number[i]) else int(number[i]),
            "signed_off_on": as_day(split.at[i, "signed_off_on"]),
            "signed_off_by": _text(split.at[i, "signed_off_by"]),
            "_plan": _text(plans[i]),
        }
        for i, row in rows.iterrows()
    ]
    keyed = pd.DataFrame({"plan": plans, "number": number, "complete, awaiting sign-off": split["awaiting_sign_off"],
                          "signed off": split["signed_off"]}).dropna(subset=["number"])
    per_rec = keyed.groupby(["plan", "number"]).sum(numeric_only=True).astype(int).sort_index()
    per_rec.index = [f"{plan}: {int(n)}" if several else f"Rec {int(n)}" for plan, n in per_rec.index]
    per_rec.index.name = "recommendation"
    return {
        "signed_off": int(split["signed_off"].sum()),
        "complete_awaiting_sign_off": int(split["awaiting_sign_off"].sum()),
        "signed_off_actions": listed,
        "sign_off_by_recommendation": per_rec,
    }


def sign_off_rows(summary: BoardSummary, *, plan_column: bool = False) -> list[list]:
    """The Summary sheet's sign-off block: per recommendation, then each signed-off action with date and approver."""
    rows: list[list] = [[], ["Sign-off by recommendation"], ["Recommendation", "Complete, awaiting sign-off", "Signed off"]]
    frame = summary.sign_off_by_recommendation
    for label, row in (frame.iterrows() if frame is not None else []):
        rows.append([label, int(row["complete, awaiting sign-off"]), int(row["signed off"])])
    rows += [[], ["Signed off actions"], [*(["Plan"] if plan_column else []), "Ref", "Recommendation", "Signed off on", "Signed off by"]]
    for a in summary.signed_off_actions:
        rows.append([*([a["_plan"]] if plan_column else []), a["ref"], a["recommendation"], a["signed_off_on"], a["signed_off_by"]])
    if not summary.signed_off_actions:
        rows.append(["None"])
    return rows


def _sign_off_json(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return [
        {"recommendation": label, "complete_awaiting_sign_off": int(row["complete, awaiting sign-off"]),
         "signed_off": int(row["signed off"])}
        for label, row in frame.iterrows()
    ]


PLAN_COLUMNS: tuple[str, ...] = (
    "recommendations", "actions", *RAG_VALUES, "complete", "overdue", "complete_awaiting_sign_off", "signed_off",
)


def plans_summary(actions: pd.DataFrame, rag: pd.DataFrame) -> pd.DataFrame:
    """One row per plan, for a board that reads several plans at once (``plansync pull``).

    Columns ``PLAN_COLUMNS`` (ints): recommendations with actions, actions, actions per BRAG
    value, complete actions, overdue actions. The index is the plan's name (``plan`` column; blank
    plans are named ""), in the order plans first appear in ``actions``.

    >>> plans_summary(actions, compute_rag(actions, today=date(2022, 11, 14))).loc["York 2022", "Red"]  # doctest: +SKIP
    3
    """
    plans = actions["plan"].astype(object).where(actions["plan"].notna(), "") if "plan" in actions else pd.Series("", index=actions.index, dtype=object)
    plans = plans.map(lambda v: _text(v) or "")
    if not len(actions):
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in PLAN_COLUMNS}, index=pd.Index([], dtype=object, name="plan"))
    order = pd.Index(pd.unique(plans.to_numpy()), dtype=object, name="plan")
    split = sign_off(actions, rag)
    colour = rag["rag"].astype(object)
    counts = pd.crosstab(plans, colour).reindex(index=order, columns=list(RAG_VALUES), fill_value=0)
    number = recommendation_numbers(actions)
    # Recommendations are numbered within their plan: York's 1 and Rotherham's 1 are two.
    recs = pd.DataFrame({"plan": plans, "number": number}).dropna().drop_duplicates().groupby("plan").size()
    frame = pd.DataFrame(
        {
            "recommendations": recs.reindex(order, fill_value=0),
            "actions": plans.value_counts().reindex(order, fill_value=0),
            **{value: counts[value] for value in RAG_VALUES},
            "complete": rag["complete"].astype(bool).groupby(plans).sum().reindex(order, fill_value=0),
            "overdue": rag["overdue"].astype(bool).groupby(plans).sum().reindex(order, fill_value=0),
            **{name: split[column].groupby(plans).sum().reindex(order, fill_value=0)
               for name, column in (("complete_awaiting_sign_off", "awaiting_sign_off"), ("signed_off", "signed_off"))},
        },
        index=order,
    )
    frame.columns.name = None
    return frame.astype("int64")


def _text(value: object) -> str | None:
    """A cell value as a board reads it: ``1.1`` -> ``'1.1'``, ``3.0`` -> ``'3'``, blank -> None."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


__all__ = sorted(["BoardSummary", "PLAN_COLUMNS", "board_summary", "plans_summary", "recommendation_numbers", "sign_off_rows"])
