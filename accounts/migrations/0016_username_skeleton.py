import django.core.validators
from django.db import migrations, models

import accounts.models


def skeletons(apps, schema_editor):
    """Each existing username's skeleton (accounts/usernames.py). Two that look alike keep
    their names; the later one has no skeleton, and is listed for the operator to rename."""
    from accounts.usernames import skeleton

    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    seen = set()
    named = User.objects.using(db).exclude(username=None).order_by("created_at", "pk")
    for user in named.only("pk", "username"):
        looks = skeleton(user.username)
        if looks in seen:
            print(f"\n  username {user.username!r} ({user.pk}) looks like another: rename it")
            continue
        seen.add(looks)
        User.objects.using(db).filter(pk=user.pk).update(username_skeleton=looks)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_squashed_0015_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.CharField(
                blank=True, editable=False, max_length=120, null=True, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                blank=True,
                max_length=30,
                null=True,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[\\w.-]{3,30}\\Z",
                        "3 to 30 letters, digits, `.`, `_` or `-`.",
                        code="invalid_username",
                    ),
                    accounts.models.username_single_script,
                ],
            ),
        ),
        migrations.RunPython(skeletons, migrations.RunPython.noop, elidable=True),
    ]
