"""Per-process roles and the policy functions: one answer for services, the view loader and templates."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from participate.core.errors import Conflict, PermissionDenied, ValidationFailed
from participate.extensions import db
from participate.processes import policy, services
from participate.processes.models import ProcessRole, ProcessRoleName
from tests.conftest import post_form
from tests.factories import make_process, make_user


def test_a_process_role_holds_in_its_own_process_only(app):
    staff, person = make_user("staff"), make_user()
    one, other = make_process(), make_process()
    assert not policy.can_moderate(person, one)
    services.grant_process_role(staff, one, person.email, "moderator")
    db.session.commit()
    assert policy.can_moderate(person, one) and not policy.can_moderate(person, other)
    assert not policy.can_review(person, one) and not policy.can_manage(person, one)
    assert policy.flags(person, one) == {
        "can_manage": False,
        "can_facilitate": False,
        "can_moderate": True,
        "can_review": False,
        "can_work_the_polls": False,
    }
    assert all(policy.flags(staff, other).values())
    assert not any(policy.flags(None, other).values())


def test_the_database_refuses_a_repeated_grant(app):
    person, process = make_user(), make_process()
    db.session.add(ProcessRole(process_id=process.id, user_id=person.id, role="reviewer"))
    db.session.commit()
    db.session.add(ProcessRole(process_id=process.id, user_id=person.id, role="reviewer"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(ProcessRole(process_id=process.id, user_id=person.id, role="mayor"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_services_refuse_through_the_policy(app):
    resident, person, process = make_user(), make_user(), make_process()
    with pytest.raises(PermissionDenied):
        services.grant_process_role(resident, process, person.email, "moderator")
    staff = make_user("staff")
    with pytest.raises(ValidationFailed, match="No account"):
        services.grant_process_role(staff, process, "nobody@example.org", "moderator")
    services.grant_process_role(staff, process, person.email, "moderator")
    with pytest.raises(Conflict, match="already has this role"):
        services.grant_process_role(staff, process, person.email, "moderator")


def test_staff_grant_and_revoke_process_roles_on_the_people_screen(client, as_user):
    staff, person, process = make_user("staff"), make_user(name="Ada Lind"), make_process()
    as_user(staff)
    url = f"/manage/processes/{process.id}/people"
    granted = post_form(client, url, {"email": person.email, "role": "reviewer"}, token_from=url)
    assert granted.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Ada Lind" in page and "Feasibility reviewer" in page
    again = post_form(client, url, {"email": person.email, "role": "reviewer"}, token_from=url)
    assert again.status_code == 400 and "already has this role" in again.get_data(as_text=True)
    grant = db.session.execute(select(ProcessRole)).scalar_one()
    assert grant.role == ProcessRoleName.REVIEWER
    grant_id = grant.id
    revoked = post_form(client, f"{url}/revoke", {"grant_id": grant_id}, token_from=url)
    assert revoked.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ProcessRole)) == 0
    twice = post_form(client, f"{url}/revoke", {"grant_id": grant_id}, token_from=url)
    assert twice.status_code == 400 and "already been removed" in twice.get_data(as_text=True)
    garbage = post_form(client, f"{url}/revoke", {"grant_id": "99999999999999999999"}, token_from=url)
    assert garbage.status_code == 400


def test_the_loader_hides_drafts_and_refuses_changes(client, as_user):
    draft = make_process(published=False)
    published = make_process()
    as_user(make_user())
    assert client.get(f"/processes/{draft.slug}").status_code == 404
    assert client.get(f"/manage/processes/{draft.id}").status_code == 404
    assert client.get(f"/manage/processes/{published.id}").status_code == 403
    assert client.get("/manage/processes/999999").status_code == 404


def test_templates_get_flags_not_roles(client, as_user):
    process = make_process()
    public = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert f"/manage/processes/{process.id}" not in public
    as_user(make_user("staff"))
    staff_view = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert f"/manage/processes/{process.id}" in staff_view
