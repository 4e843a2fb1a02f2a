"""The numbers of an explanation: exact for JSON, rounded as residents see them. Each rule writes its own
explanation (explain_greedy in rules/greedy.py, …) with these, JSON-ready, so the results page only renders it."""

from __future__ import annotations

from fractions import Fraction

from .model import Election


def exact(x: int | Fraction) -> int | str:
    """An exact number for JSON: an int, or 'numerator/denominator'. Fractions whose terms exceed 200 bits
    (PB-EAR weights after many rounds have thousands of digits) are given as a 15-digit decimal string."""
    if isinstance(x, int) or x.denominator == 1:
        return int(x)
    if max(abs(x.numerator).bit_length(), x.denominator.bit_length()) > 200:
        return f"{float(x):.15g}"
    return f"{x.numerator}/{x.denominator}"


def shown(x: int | Fraction) -> str:
    """A number as shown to residents (two decimals when not whole)."""
    if isinstance(x, int) or x.denominator == 1:
        return str(int(x))
    return f"{float(x):.2f}"


def payment(numerator: int, denominator: int, voters: int) -> dict[str, int | str] | None:
    """A positive MES payment as the contract shows it (as shown() and exact() would: thousands of payments
    are written for a large election, so this works on the terms directly), or None if nothing was paid."""
    if numerator <= 0:
        return None
    if denominator == 1:
        return {"amount": str(numerator), "amount_exact": numerator, "voters": voters}
    if max(numerator.bit_length(), denominator.bit_length()) > 200:
        amount_exact: int | str = f"{numerator / denominator:.15g}"
    else:
        amount_exact = f"{numerator}/{denominator}"
    return {"amount": f"{numerator / denominator:.2f}", "amount_exact": amount_exact, "voters": voters}


def project_names(election: Election) -> dict[str, str]:
    return {p.id: p.name for p in election.projects}
