from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0013_rate_counts")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
