from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0030_election_entitlement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Nominations made before consent was asked for stood as they were:
        # they count as recorded, so none lapses at its close.
        migrations.AddField(
            model_name="nomination",
            name="consent",
            field=models.CharField(
                choices=[
                    ("self", "Nominated themselves"),
                    ("awaiting", "Awaiting the nominee's consent"),
                    ("accepted", "Accepted by the nominee"),
                    ("recorded", "Consent recorded by an organiser"),
                    ("declined", "Declined by the nominee"),
                ],
                default="recorded",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="nomination",
            name="consent",
            field=models.CharField(
                choices=[
                    ("self", "Nominated themselves"),
                    ("awaiting", "Awaiting the nominee's consent"),
                    ("accepted", "Accepted by the nominee"),
                    ("recorded", "Consent recorded by an organiser"),
                    ("declined", "Declined by the nominee"),
                ],
                default="awaiting",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="nomination",
            name="consent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="nomination",
            name="consent_note",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="nomination",
            name="consent_recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="nomination",
            name="status",
            field=models.CharField(
                choices=[
                    ("nominated", "Nominated"),
                    ("standing", "Standing"),
                    ("refused", "Not eligible"),
                    ("withdrawn", "Withdrawn"),
                    ("lapsed", "Lapsed: not accepted by the nominee"),
                ],
                default="nominated",
                max_length=10,
            ),
        ),
    ]
