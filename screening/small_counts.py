"""Small counts left out of the statistics, so that nobody in them can be singled out.

A row counting fewer than ``STATISTICS_FEWEST_CASES`` is suppressed (``suppress_few``), and
complementary suppression (``protect``) withholds enough other rows that no suppressed one can
be worked out by subtraction from the totals shown beside it.
"""

from typing import Any

from django.conf import settings

from screening.models import Tier

MEASURES = ("total", *(tier.value for tier in Tier), "crisis")


def suppress_few(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its counts left out (None) when it counts fewer than
    ``STATISTICS_FEWEST_CASES``, marked ``suppressed`` (``withheld`` False)."""
    if row.get("suppressed"):
        return row
    if row["total"] < settings.STATISTICS_FEWEST_CASES:
        return _hidden(row)
    return {**row, "suppressed": False, "withheld": False}


def _hidden(row: dict[str, Any], *, withheld: bool = False) -> dict[str, Any]:
    return {**row, **dict.fromkeys(MEASURES), "suppressed": True, "withheld": withheld}


Cell = tuple[str, int]


def protect(
    tables: dict[str, list[dict[str, Any]]], sums: list[tuple[Cell | None, list[Cell]]]
) -> dict[str, list[dict[str, Any]]]:
    """``tables`` with complementary suppression, so that no suppressed row can be worked out.

    A cell is (table name, row index). Each of ``sums`` says that a row (or, for None, a figure
    shown elsewhere and never suppressed) is the sum of other rows. Where exactly one of the rows
    in such a sum is suppressed, it would be the others subtracted from the sum, so the smallest
    shown row in it is ``withheld`` too (counts None, ``suppressed``), or the sum itself when its
    parts are all suppressed; until no sum has exactly one. A withheld row may count
    ``STATISTICS_FEWEST_CASES`` or more: it is left out only to protect another, and is shown
    with the same label as a suppressed one, or its label would say that it is not small.
    """
    tables = {name: list(rows) for name, rows in tables.items()}

    def hidden(cell: Cell) -> bool:
        return tables[cell[0]][cell[1]]["suppressed"]

    changed = True
    while changed:
        changed = False
        for whole, parts in sums:
            cells = [whole, *parts] if whole is not None else parts
            if sum(map(hidden, cells)) != 1:
                continue
            shown = [cell for cell in parts if not hidden(cell)]
            if shown:
                cell = min(shown, key=lambda cell: (tables[cell[0]][cell[1]]["total"], cell))
            elif whole is not None and not hidden(whole):
                cell = whole
            else:
                # A figure shown elsewhere equal to one suppressed row: nothing here to hide.
                continue
            tables[cell[0]][cell[1]] = _hidden(tables[cell[0]][cell[1]], withheld=True)
            changed = True
    return tables


def hidden_last(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """``rows`` with the suppressed ones moved to the end, in order of ``key``.

    For a table listed busiest first: there a suppressed row's place would say how big it is,
    between its neighbours, and which of two suppressed rows is the smaller.
    """
    return sorted(rows, key=lambda row: (row["suppressed"], row[key] if row["suppressed"] else ""))


def parts_of(whole: Cell | None, name: str, rows: list[dict[str, Any]], keep) -> tuple:
    """A sum for ``protect``: ``whole`` is the sum of the rows of table ``name`` that ``keep``."""
    return whole, [(name, i) for i, row in enumerate(rows) if keep(row)]
