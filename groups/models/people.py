from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from .branch import Branch


class Category(models.Model):
    """A kind of membership, defined per branch ("Party member", "Supporter")."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["branch", "slug"], name="category_slug_unique_in_branch"),
            models.UniqueConstraint(fields=["branch", "name"], name="category_name_unique_in_branch"),
        ]

    def __str__(self) -> str:
        return self.name


ERASED_NAME = "Erased person"
# How a named vote or a position held by an erased person reads (issue 12's tables).
FORMER_MEMBER = "a former member (erased)"


class PersonQuerySet(models.QuerySet):
    pass


class LivingPeople(models.Manager.from_queryset(PersonQuerySet)):
    """`Person.objects`: everyone but the tombstones an erasure leaves
    (groups/services/erasure.py). Lists, searches, counts, invitations, the
    import's matching and every fetch by id go through it, so an erased person
    is nowhere to be found; attendance and records still point at the row
    (related lookups use the base manager), which is what keeps past turnout
    and quorum true. `Person.everyone` reaches the tombstones too."""

    def get_queryset(self):
        return super().get_queryset().filter(erased_at__isnull=True)


class Person(models.Model):
    """Someone the branch knows about; not necessarily a user account."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text="E.164, normalised on save by the service.")
    postcode = models.CharField(max_length=10, blank=True, help_text="Upper case, one space before the inward code.")
    ward = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    consent_email = models.BooleanField(default=False)
    consent_email_at = models.DateTimeField(null=True, blank=True)
    consent_phone = models.BooleanField(default=False)
    consent_phone_at = models.DateTimeField(null=True, blank=True)
    # Campaigning (newsletters, calls to action: PECR reg. 22 needs prior
    # consent), apart from the service messages above (groups/models/consent.py).
    campaign_email = models.BooleanField(default=False)
    campaign_phone = models.BooleanField(default=False)
    # Linked by a verified email address (issue 5); organisers can undo the link.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    # The account an organiser unlinked: never linked again automatically.
    unlinked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Registered interest through a public page and not yet reviewed by an organiser.
    pending_review = models.BooleanField(default=False)
    # The earliest of their memberships' continuous_since (else started_on): what
    # the people list sorts "joined" by. Stored so that sort reads an index
    # instead of a subquery per person; kept right by every service that writes
    # memberships (groups/services/member_since.py), null with no membership.
    member_since = models.DateField(null=True, blank=True, editable=False)
    # Set by the erasure (groups/services/erasure.py): the row stays as a
    # tombstone with no personal data, so attendance and counts stay true.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LivingPeople()
    everyone = models.Manager.from_queryset(PersonQuerySet)()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "branch", condition=~models.Q(email=""), name="person_email_unique_in_branch"
            ),
            models.UniqueConstraint(
                fields=["branch", "user"], condition=models.Q(user__isnull=False), name="one_person_per_user_in_branch"
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "last_name", "first_name"], name="person_branch_name"),
            models.Index(fields=["branch", "postcode"], name="person_branch_postcode"),
            models.Index(fields=["branch", "ward"], name="person_branch_ward"),
            models.Index(fields=["branch", "member_since", "last_name", "first_name"], name="person_branch_since"),
            # The erased people (tombstones) of a branch, few: the people list's
            # search leaves them out through this rather than by reading every
            # match's row (groups/sql/people.py).
            models.Index(fields=["branch"], condition=models.Q(erased_at__isnull=False), name="person_erased"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"Person {self.pk}"

    def save(self, *args, **kwargs):
        # member_since is written only by groups/services/member_since.py, an
        # UPDATE from the memberships: saving a person loaded before that must
        # not put the old value back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "member_since" and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return ERASED_NAME
        return f"{self.first_name} {self.last_name}".strip()


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LAPSED = "lapsed", "Lapsed"
    SUSPENDED = "suspended", "Suspended"
    RESIGNED = "resigned", "Resigned"


class Membership(models.Model):
    """A person's holding of a category. `branch` repeats the person's branch so
    that the database itself can keep membership numbers unique per branch."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="memberships")
    number = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE)
    started_on = models.DateField()
    continuous_since = models.DateField(
        null=True, blank=True, help_text="Start of unbroken membership, where the party's list reports an earlier one."
    )
    ended_on = models.DateField(null=True, blank=True)
    dues_paid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["category__order", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "category", "number"],
                condition=~models.Q(number=""),
                name="membership_number_unique_in_branch_category",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "number"], name="membership_branch_number"),
            # Covers the eligibility compiler's membership subquery (groups/eligibility/compile.py).
            models.Index(
                fields=[
                    "branch",
                    "category",
                    "status",
                    "started_on",
                    "ended_on",
                    "continuous_since",
                    "dues_paid_until",
                    "person",
                ],
                name="membership_eligibility",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.get_status_display()})"
