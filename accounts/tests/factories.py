import factory
from django.utils import timezone

from accounts import services
from accounts.models import User

PASSWORD = "Sturdy-pass-2026"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = "client"
    # A user the tests make has verified their e-mail, as a buyer must before a hold or a
    # loan that scoring approves (docs/security.md); `email_verified_at=None` for one who has not.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)
    # A manager the tests make is the group's unless given showrooms: the grant is explicit
    # (docs/showrooms.md, "Staff per showroom").
    showroom_ids = factory.LazyFunction(list)
    whole_group = factory.LazyAttribute(
        lambda user: user.role == "manager" and not user.showroom_ids
    )

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        """Members of the groups of their role, as the services make them."""
        if create:
            services.user_groups_sync(user=obj)
