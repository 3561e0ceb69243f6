from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0001_squashed_0008_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationdecision",
            name="reference",
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
