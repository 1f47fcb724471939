from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0012_member_since_and_import_choices")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField(default=0)),
                ("expires", models.BigIntegerField(db_index=True)),
            ],
        ),
    ]
