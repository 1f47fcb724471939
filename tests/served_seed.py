"""Run in its own process against the served app's database (tests/served.py):
a branch, a steward with an API token, a meeting and a person to find at the
door. Prints what it made as JSON."""

import json

import django

if __name__ == "__main__":
    django.setup()
    from django.utils import timezone

    from groups.models import Person, RoleName
    from groups.services.branches import create_branch

    from .conftest import make_api_token
    from .factories import PASSWORD, MeetingFactory, RoleFactory, UserFactory

    organiser = UserFactory(email="served-organiser@example.org")
    branch = create_branch(name="Served Branch", slug="served", actor=organiser)
    steward = RoleFactory(branch=branch, role=RoleName.STEWARD, user__email="served-steward@example.org").user
    meeting = MeetingFactory(branch=branch, starts_at=timezone.now() + timezone.timedelta(hours=1))
    Person.objects.create(branch=branch, first_name="Ada", last_name="Lovelace", email="ada@example.org")
    _, key = make_api_token(steward)
    _, door_key = make_api_token(steward, name="Door token")
    print(  # noqa: T201 - read by the fixture
        json.dumps(
            {
                "slug": branch.slug,
                "meeting_id": meeting.pk,
                "token": key,
                "door_token": door_key,
                "steward": steward.email,
                "password": PASSWORD,
            }
        )
    )
