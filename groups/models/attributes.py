"""Self-declared attributes: values a person chose to give (gender as they
define it, ethnicity group, disability, LGBT+ …), each with its consent.

Special-category data (UK GDPR Art. 9). A branch defines the questions and
their answers (AttributeDefinition); a person's answer (SelfDeclaredAttribute)
records when consent was given and who recorded it — the person themselves,
or an organiser with their consent. Withdrawing keeps nothing: the row is
deleted by the service, and the audit event says that a value was withdrawn,
never which. Only counts and groups ever leave these tables (the speakers'
list balance, election constraints, rules with an `attribute` condition)."""

from django.conf import settings
from django.db import models

from .branch import Branch
from .people import Person


class AttributeDefinition(models.Model):
    """A question the branch may ask, with the answers it offers. `options` is
    a list of {"value": slug, "label": words}; rules and balances name values."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="attribute_definitions")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    purpose = models.TextField(blank=True, help_text="Why the branch asks, shown to the person before they answer.")
    options = models.JSONField(default=list)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "key"], name="attribute_key_unique_in_branch")]

    def __str__(self) -> str:
        return self.name

    def label_of(self, value: str) -> str:
        for option in self.options:
            if option.get("value") == value:
                return option.get("label", value)
        return value


class DeclarationSource(models.TextChoices):
    SELF = "self", "By the person themselves"
    ORGANISER = "organiser", "By an organiser, with the person's consent"


class SelfDeclaredAttribute(models.Model):
    """One person's answer to one of the branch's questions, with its consent."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="declared_attributes")
    definition = models.ForeignKey(AttributeDefinition, on_delete=models.CASCADE, related_name="declarations")
    value = models.CharField(max_length=60)
    source = models.CharField(max_length=12, choices=DeclarationSource.choices)
    consent_given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "definition"], name="one_declaration_per_attribute"),
        ]
        indexes = [models.Index(fields=["definition", "value"], name="declaration_definition_value")]

    def __str__(self) -> str:
        return f"{self.definition} of person {self.person_id}"
