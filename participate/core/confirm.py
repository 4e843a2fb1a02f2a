"""Actions that cannot be undone ask first, on a page of their own that works without JavaScript.

The action's URL answers GET with the confirmation page (what will happen, what cannot be undone, the
POST button, a way back) and POST with the action itself:

    @bp.route("/<int:process_id>/results/close", methods=["GET", "POST"])
    def close(process_id):
        process = _load(process_id)
        return confirm_then_run(
            lambda: Confirmation(title=..., happens=[...], cannot_undo=..., button=..., back=...),
            ButtonForm(),
            lambda: services.close_and_count(current_actor(), process),
            done=...,
            render=...,
        )

A page links to the action (`<a class="button" href="…">`), or sends a GET form when the action takes a
choice (the phase to move to); `hidden` carries such a choice onto the confirmation's POST form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import render_template, request
from flask_wtf import FlaskForm

from participate.core.transaction import run_form

T = TypeVar("T")


@dataclass(frozen=True)
class Confirmation:
    title: str  # a question: "Close the vote and count?"
    happens: list[str]  # what the action does, sentence by sentence
    cannot_undo: str  # what can never be taken back
    button: str  # the POST button's words
    back: str  # where "Cancel" leads: the page the action was offered on
    hidden: Mapping[str, str] = field(default_factory=dict)  # the choice made on that page, sent along


def confirm_then_run(
    confirmation: Callable[[], Confirmation],
    form: FlaskForm,
    use_case: Callable[[], T],
    *,
    done: Callable[[T], tuple[str, str]],
    render: Callable[[], Any],
) -> Any:
    """GET: the confirmation page `confirmation()` describes. POST: `run_form` (a refusal renders `render()`
    with the message)."""
    if request.method == "GET":
        return render_template("confirm.html", confirmation=confirmation(), form=form)
    return run_form(form, use_case, done=done, render=render)
