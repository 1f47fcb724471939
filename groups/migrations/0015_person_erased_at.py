from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0014_decision_making")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="erased_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
