"""A showroom names its legal entity by the documents app's id, an integer: the UUID column
could hold none of them, so it holds nothing to keep."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('showroom', '0011_showrooms_announced'),
    ]

    operations = [
        migrations.RemoveField(model_name='showroom', name='legal_entity_id'),
        migrations.AddField(
            model_name='showroom',
            name='legal_entity_id',
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
