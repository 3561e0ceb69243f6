from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_trade_in_templates"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="unsubscribed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
