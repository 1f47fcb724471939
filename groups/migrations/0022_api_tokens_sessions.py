"""API tokens done properly, and the branch's session settings (issue 16).

Existing DRF tokens (rest_framework.authtoken, plain-text keys) are moved,
not revoked: each becomes an ApiToken named "Token made before 1 December
2026", stored as the SHA-256 digest of its key with its first 8 characters
as the prefix, expiring API_TOKEN_DAYS (90) days from this migration — so
the programs using them keep working until then, and their owners see them
on the API token page to revoke or replace. The plain-text rows are then
deleted. Going back deletes the new tokens (a digest cannot give the key
back): everyone makes a new one.

Also: Branch.session_idle_minutes (door phones kept open through a meeting)
and Branch.mfa_required_for_stewards."""

import hashlib
from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def hash_old_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("groups", "ApiToken")
    now = django.utils.timezone.now()
    expires = now + timedelta(days=getattr(settings, "API_TOKEN_DAYS", 90))
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=old.user_id,
            name="Token made before 1 December 2026",
            prefix=old.key[:8],
            digest=hashlib.sha256(old.key.encode()).hexdigest(),
            created_at=old.created,
            expires_at=expires,
        )
        for old in Token.objects.all()
    )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0021_retention_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="branch",
            name="mfa_required_for_stewards",
            field=models.BooleanField(
                default=False, help_text="Stewards must sign in with two-factor, as organisers always do."
            ),
        ),
        migrations.AddField(
            model_name="branch",
            name="session_idle_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Keep stewards' and organisers' sessions open this long without use (door phones left open through a meeting); empty for the site's default (2 hours). Never beyond SESSION_IDLE_MAX_MINUTES.",
                null=True,
            ),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name",
                    models.CharField(help_text="What uses it, in its owner's words (“Door phone”).", max_length=100),
                ),
                (
                    "prefix",
                    models.CharField(help_text="The key's first characters, shown to tell tokens apart.", max_length=8),
                ),
                ("digest", models.CharField(help_text="SHA-256 of the key, in hex.", max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RunPython(hash_old_tokens, migrations.RunPython.noop),
    ]
