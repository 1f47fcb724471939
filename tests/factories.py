from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from groups.models import Attendance, Branch, Category, Meeting, MeetingStatus, Membership, Person, Role, RoleName
from groups.services import member_since, people_version

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"Branch {n}")
    slug = factory.Sequence(lambda n: f"branch-{n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    branch = factory.SubFactory(BranchFactory)
    role = RoleName.MEMBER


class BumpsPeopleVersion(factory.django.DjangoModelFactory):
    """As every service that writes people, memberships or categories does: raise the branch's
    people_version, or a count cached before the factory wrote would still be served."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        made = super()._create(model_class, *args, **kwargs)
        people_version.bump(made.branch_id)
        return made


class CategoryFactory(BumpsPeopleVersion):
    class Meta:
        model = Category

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class PersonFactory(BumpsPeopleVersion):
    class Meta:
        model = Person

    branch = factory.SubFactory(BranchFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class MembershipFactory(BumpsPeopleVersion):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    branch = factory.SelfAttribute("person.branch")
    category = factory.SubFactory(CategoryFactory, branch=factory.SelfAttribute("..person.branch"))
    status = "active"
    started_on = factory.Faker("date_between", start_date="-10y", end_date="-1y")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As every service that writes a membership does: keep Person.member_since right.
        membership = super()._create(model_class, *args, **kwargs)
        member_since.refresh([membership.person_id])
        return membership


# --- door (issue 6) ---


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    branch = factory.SubFactory(BranchFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    status = MeetingStatus.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory, branch=factory.SelfAttribute("..meeting.branch"))
    checked_in_at = factory.LazyFunction(timezone.now)
    decision = factory.LazyFunction(lambda: {"eligible": True, "reasons": ["Open to everyone"]})
    may_vote = True


def person_with_membership(branch, category: str = "party-member", *, membership: dict | None = None, **person):
    """A person of `branch` holding one membership of the branch's category
    `category` (a slug: the branch's own, as create_branch makes them), active
    since 1 January 2015 unless `membership` says otherwise (any Membership
    field: status, started_on, number, dues_paid_until …). Other keyword
    arguments are the Person's fields."""
    made = PersonFactory(branch=branch, **person)
    MembershipFactory(
        person=made,
        category=Category.objects.get(branch=branch, slug=category),
        **{"started_on": date(2015, 1, 1), **(membership or {})},
    )
    return made
