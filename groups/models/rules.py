from django.conf import settings
from django.db import models

from .branch import Branch


class Rule(models.Model):
    """A named eligibility rule: data (CONTRACT.md §2) that organisers edit,
    evaluated by groups.eligibility.engine. Each save keeps the old version."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    definition = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="rule_name_unique_in_branch")]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.rule} v{self.version}"
