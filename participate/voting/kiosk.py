"""The kiosk: staff or a poll worker enter a paper ballot under its voting code. The code's ballot is
its district's; entering it spends the code (eligibility.codes) and puts the ballot in the box as an
online cast does, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _

from participate.accounts.models import User
from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.eligibility.codes import find_code, spend
from participate.eligibility.models import VotingCode
from participate.eligibility.services import kiosk_refusal
from participate.processes.models import Process
from participate.voting.models import VoteBudget, VoterRoll
from participate.voting.services import Choices, Receipt, budgets_for_district, check_choices, put_in_box


def usable_code(
    actor: User, process: Process, code_text: str, on: date
) -> tuple[VotingCode, list[VoteBudget]]:
    """The code and the budgets on its ballot, or a refusal saying why it cannot vote."""
    refusal = kiosk_refusal(actor, process, on)
    if refusal:
        raise PermissionDenied(refusal)
    code = find_code(process, code_text)
    if code is None:
        raise ValidationFailed(
            _("This code is not one of this process's voting codes. Check it and type it again.")
        )
    if code.spent:
        raise Conflict(_("This voting code has already been used."))
    budgets = budgets_for_district(process, code.district_id)
    if not budgets:
        raise ValidationFailed(_("There is no ballot for this code's district."))
    return code, budgets


def kiosk_cast(
    actor: User, process: Process, code_text: str, ballots: Mapping[int, Sequence[Any]], on: date
) -> list[Receipt]:
    """Cast the code's ballots in one transaction: all or none. A budget whose section the voter left blank
    is not voted on, as online; the code is spent all the same, so a paper ballot is entered once."""
    code, budgets = usable_code(actor, process, code_text, on)
    checked: list[tuple[VoteBudget, Choices]] = []
    for budget in budgets:
        if not ballots.get(budget.id):
            continue
        try:
            checked.append((budget, check_choices(budget, ballots[budget.id])))
        except ValidationFailed as error:
            raise ValidationFailed(
                _("%(budget)s: %(problem)s", budget=budget.name, problem=error.message)
            ) from error
    if not checked:
        raise ValidationFailed(
            _(
                "Every section of this paper ballot is blank: there is nothing to enter, and the code stays unused."
            )
        )
    spend(code)
    receipts = [
        put_in_box(
            budget,
            f"code:{code.id}",
            choices,
            VoterRoll(voting_code_id=code.id, district_id=code.district_id),
        )
        for budget, choices in checked
    ]
    # Like an online cast, a paper ballot leaves no dated trace in the audit log (docs/ballot-secrecy.md).
    return receipts
