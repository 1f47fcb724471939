"""The session and user every signed-in request reads by hand (groups/auth.py)
keep Django's rules: expired sessions, inactive or deleted users and signing
out all leave the browser signed out, and the user is the same object the ORM
would give."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from groups.auth import AuthenticationBackend, ModelBackend, SessionStore

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def home_is_open(client) -> bool:
    """Whether the signed-in home page answers (not a redirect to sign in)."""
    return client.get(reverse("home")).status_code == 200


def signed_in(client, user):
    client.force_login(user)
    assert home_is_open(client)
    return client


def test_the_user_read_by_hand_is_the_orm_user(branch):
    made = UserFactory(email="ada@example.org", first_name="Ada")
    for backend in (ModelBackend(), AuthenticationBackend()):
        user = backend.get_user(made.pk)
        orm = get_user_model().objects.get(pk=made.pk)
        assert {f.attname: getattr(user, f.attname) for f in orm._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in orm._meta.concrete_fields
        }
        assert user.last_login == orm.last_login and user.date_joined.tzinfo is not None
        assert user.check_password(PASSWORD)


@pytest.mark.parametrize("user_id", [None, "", "abc", "0", str(2**64), "٣"])
def test_nonsense_user_ids_are_nobody(user_id):
    assert ModelBackend().get_user(user_id) is None


def test_inactive_and_deleted_users_are_signed_out(client):
    user = UserFactory()
    signed_in(client, user)
    user.is_active = False
    user.save()
    assert not home_is_open(client)
    other = UserFactory()
    signed_in(client, other)
    other.delete()
    assert not home_is_open(client)


def test_an_expired_session_is_not_read(client):
    signed_in(client, UserFactory())
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not home_is_open(client)


def test_the_session_store_reads_what_django_wrote():
    store = SessionStore()
    store["door"] = "Green Lanes"
    store.create()
    again = SessionStore(session_key=store.session_key)
    assert again["door"] == "Green Lanes"
    assert SessionStore(session_key="no-such-session-key-0123456789").load() == {}


def test_the_session_update_by_hand_writes_the_row_and_only_it(django_assert_num_queries):
    store, other = SessionStore(), SessionStore()
    store["door"], other["door"] = "Green Lanes", "Holloway"
    store.create()
    other.create()
    again = SessionStore(session_key=store.session_key)
    again["door"] = "Finsbury Park"
    again.set_expiry(3600)
    with django_assert_num_queries(1):  # one UPDATE (read above, by the assignment): no BEGIN/COMMIT around it
        again.save()
    with django_assert_num_queries(1):  # the same data again: still the row (rowcount 1 on both databases)
        again.save()
    row = Session.objects.get(session_key=store.session_key)
    assert SessionStore().decode(row.session_data) == {"door": "Finsbury Park", "_session_expiry": 3600}
    assert abs((row.expire_date - timezone.now()) - timedelta(seconds=3600)) < timedelta(seconds=60)
    assert SessionStore(session_key=other.session_key)["door"] == "Holloway"


def test_the_session_update_of_a_deleted_session_is_django_s_update_error():
    from django.contrib.sessions.backends.base import UpdateError

    store = SessionStore()
    store["door"] = "Green Lanes"
    store.create()
    again = SessionStore(session_key=store.session_key)
    again["door"] = "Finsbury Park"
    Session.objects.filter(session_key=store.session_key).delete()  # signed out in another tab meanwhile
    with pytest.raises(UpdateError):
        again.save()
    assert not Session.objects.exists()  # nothing written back


def test_signing_out_ends_the_session_on_the_server(client):
    signed_in(client, UserFactory())
    cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=cookie).exists()
    client.cookies["sessionid"] = cookie  # the old cookie, replayed
    assert not home_is_open(client)


def test_a_password_change_signs_out_other_browsers(client, django_user_model):
    from django.test import Client

    user = UserFactory()
    elsewhere = signed_in(Client(), user)
    user.set_password("a-new-long-passphrase-for-ada")
    user.save()
    assert not home_is_open(elsewhere)
