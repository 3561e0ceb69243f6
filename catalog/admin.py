from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog import services
from catalog.choices import ProductKind
from catalog.models import (
    Category,
    Location,
    Product,
    ProductPhoto,
    StockReservation,
    VehicleTransfer,
)
from catalog.selectors import photo_view
from common.admin import (
    DatabaseAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    date_range_filter,
    money_column,
)
from common.admin.people import person_shown
from common.admin.references import OrderLinksMixin
from common.api.exceptions import ApplicationError
from common.images import photo_checked
from common.showrooms import in_scope, scope_check
from common.types import Actor


class CatalogAdmin(DatabaseAdminMixin, admin.ModelAdmin):
    """Saves go through the catalog services."""

    using = "catalog"


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ["name", "level", "parent", "created_at"]
    list_filter = ["level", date_range_filter("created_at")]
    search_fields = ["name"]
    list_select_related = ["parent"]
    readonly_fields = ["level", "path", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ["name", "description", "parent"]}
        if change:
            services.category_update(category=obj, **fields)
        else:
            services.category_create(id=obj.pk, **fields)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.category_delete(category=category)


class OptionsField(forms.CharField):
    """A vehicle's equipment, one item per line."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class ProductAdminForm(forms.ModelForm):
    options = OptionsField(label=_("equipment"), required=False)
    # A car is moved by a transfer, kept in its history (docs/showrooms.md).
    move_to = forms.ModelChoiceField(
        Location.objects.filter(is_active=True),
        label=_("move to showroom"),
        required=False,
        help_text=_("Kept in the car's history below, with who moved it and when."),
    )
    move_note = forms.CharField(label=_("reason for the move"), max_length=500, required=False)

    class Meta:
        model = Product
        exclude: list[str] = []  # the fieldsets choose what is shown

    user: Actor  # who fills it in (ProductAdmin.get_form)

    def clean(self):
        """A product given a VIN is a vehicle, as the service makes it (docs/api.md,
        "Vehicles"): so the form checks the constraints of the product that will be saved. A
        new car stands in the showroom chosen under "Where it stands", one of the staff
        member's own: required when the group has several (docs/showrooms.md)."""
        cleaned = super().clean()
        if cleaned.get("vin"):
            cleaned["kind"] = ProductKind.VEHICLE
        move_to = cleaned.get("move_to")
        if not self.instance._state.adding:
            if move_to is not None and move_to.pk == self.instance.showroom_id:
                self.add_error("move_to", _("The car stands there already."))
        elif cleaned.get("kind") == ProductKind.VEHICLE:
            try:
                where = services.showroom_for_new_car(move_to.pk if move_to else None)
                scope_check(self.user, where.pk if where else None)
            except ApplicationError as exc:
                self.add_error("move_to", str(exc.message))
        elif move_to is not None:
            self.add_error("move_to", _("Only a car stands in a showroom."))
        return cleaned


class VinFilter(admin.SimpleListFilter):
    """The cars a manager must give a VIN before they can be sold."""

    title = _("VIN")
    parameter_name = "vin"

    def lookups(self, request, model_admin):
        return [("to_be_entered", _("VIN to be entered")), ("entered", _("Entered"))]

    def queryset(self, request, queryset):
        vehicles = queryset.filter(kind=ProductKind.VEHICLE)
        if self.value() == "to_be_entered":
            return vehicles.filter(vin__isnull=True)
        if self.value() == "entered":
            return vehicles.filter(vin__isnull=False)
        return queryset


class PhotoInlineForm(forms.ModelForm):
    """A photo uploaded in the admin is checked as the API checks it (common/images.py)."""

    class Meta:
        model = ProductPhoto
        fields = ["image", "alt", "position", "is_primary"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image and self.instance._state.adding:
            try:
                photo_checked(image.read())
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message) from exc
            image.seek(0)
        return image


class PhotoInline(admin.TabularInline):
    """A vehicle's photos: uploaded, described, ordered and removed through the catalog's
    services, as the API does (docs/api.md, "Photos")."""

    model = ProductPhoto
    form = PhotoInlineForm
    extra = 1
    fields = ["preview", "image", "alt", "position", "is_primary"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Photo"))
    def preview(self, photo):
        if photo._state.adding:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="160" loading="lazy">',
            photo_view(photo)["renditions"]["thumb"]["url"],
            photo.alt,
        )


class TransferInline(ReadOnlyInline):
    """Where the car has been moved, newest first."""

    model = VehicleTransfer
    fields = ["transferred_at", "moved_from", "moved_to", "by", "note"]
    readonly_fields = ["transferred_at", "moved_from", "moved_to", "by", "note"]

    @admin.display(description=_("from"))
    def moved_from(self, transfer):
        return _showroom_name(transfer.from_showroom_id)

    @admin.display(description=_("to"))
    def moved_to(self, transfer):
        return _showroom_name(transfer.to_showroom_id)

    @admin.display(description=_("transferred by"))
    def by(self, transfer):
        return person_shown(transfer.transferred_by_id)


def _showroom_name(showroom_id) -> str:
    if showroom_id is None:
        return "—"
    location = Location.objects.filter(pk=showroom_id).first()
    return str(location) if location else str(showroom_id)[:8]


class StandsInFilter(admin.SimpleListFilter):
    """Where each car stands, and the cars that stand nowhere: none should (docs/showrooms.md,
    "Where each car is"; `/health/components` counts them)."""

    title = _("showroom")
    parameter_name = "stands_in"
    NOWHERE = "nowhere"

    def lookups(self, request, model_admin):
        places = [(str(pk), name) for pk, name in Location.objects.values_list("pk", "name")]
        return [*places, (self.NOWHERE, _("Nowhere"))]

    def queryset(self, request, queryset):
        if self.value() == self.NOWHERE:
            return queryset.filter(kind=ProductKind.VEHICLE, showroom_id=None)
        if self.value():
            return queryset.filter(showroom_id=self.value())
        return queryset


@admin.register(Product)
class ProductAdmin(CatalogAdmin):
    form = ProductAdminForm
    inlines = [PhotoInline, TransferInline]
    list_display = [
        "name",
        "vin_shown",
        "condition",
        "year",
        "price_shown",
        "stock_quantity",
        "is_active",
    ]
    list_filter = [
        "is_active",
        "kind",
        VinFilter,
        StandsInFilter,
        "condition",
        "body_type",
        "make",
        "category",
        date_range_filter("created_at"),
    ]
    search_fields = ["name", "make", "model", "trim", "vin"]
    list_select_related = ["category"]
    readonly_fields = [
        "stands_in",
        "model_key",
        "test_drive_available",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "category",
                    "description",
                    ("price", "currency"),
                    "purchase_price",
                    "stock_quantity",
                    "is_active",
                ]
            },
        ),
        (
            _("Vehicle"),
            {
                "fields": [
                    ("make", "model", "trim"),
                    ("year", "vin"),
                    ("condition", "mileage_km", "owners_count"),
                    ("body_type", "color"),
                    ("fuel", "engine_volume", "power_hp"),
                    ("transmission", "drive"),
                    "options",
                ]
            },
        ),
        (_("Where it stands"), {"fields": ["stands_in", ("move_to", "move_note")]}),
        (
            _("Technical"),
            {
                "classes": ["collapse"],
                "fields": ["model_key", "test_drive_available", "created_at", "updated_at"],
            },
        ),
    ]

    # With its currency and thousands separators, in the user's language (docs/admin.md).
    price_shown = money_column("price", pgettext_lazy("catalog", "Price"))

    @admin.display(description=_("VIN"), ordering="vin")
    def vin_shown(self, product):
        if product.vin_to_be_entered:
            return _("VIN to be entered")
        return product.vin or "—"

    @admin.display(description=_("showroom"))
    def stands_in(self, product):
        return _showroom_name(product.showroom_id)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        if obj is None:  # a new car is placed, not moved
            form.base_fields["move_to"].label = _("showroom")
            form.base_fields["move_to"].help_text = _(
                "Where the car stands: required when the group has several showrooms."
            )
        return form

    def has_change_permission(self, request, obj=None):
        """A car is changed by its showroom's staff or the group's; a product of the group's
        (an accessory) by the group's (docs/showrooms.md). Others see its page read-only."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or in_scope(request.user, obj.showroom_id))

    def save_model(self, request, obj, form, change):
        move = {"to": form.cleaned_data.pop("move_to", None)}
        move["note"] = form.cleaned_data.pop("move_note", "")
        if change:
            changed = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in form.cleaned_data
            }
            services.product_update(product=obj, user=request.user, **changed)
        else:
            to = move.pop("to")
            services.product_add(
                user=request.user,
                id=obj.pk,
                showroom_id=to.pk if to is not None else None,
                **form.cleaned_data,
            )
        if move.get("to") is not None:
            services.vehicle_transfer(
                user=request.user, product_id=obj.pk, showroom_id=move["to"].pk, note=move["note"]
            )

    def has_delete_permission(self, request, obj=None):
        return False  # products are withdrawn (is_active), never erased

    def save_formset(self, request, form, formset, change):
        """The photos go through the services: checked, stripped, one primary."""
        if formset.model is not ProductPhoto:
            return super().save_formset(request, form, formset, change)
        product = form.instance
        # What the admin's history message reads, as formset.save() would have set it.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for photo_form in formset.forms:
            photo, data = photo_form.instance, getattr(photo_form, "cleaned_data", {})
            changed = set(photo_form.changed_data)
            if formset._should_delete_form(photo_form):
                if not photo._state.adding:
                    services.photo_delete(photo=photo)
                    formset.deleted_objects.append(photo)
            elif photo._state.adding and data.get("image"):
                data["image"].seek(0)  # the form's check read it
                added = services.photo_add(
                    product=product,
                    data=data["image"].read(),
                    alt=data.get("alt", ""),
                    is_primary=bool(data.get("is_primary")),
                )
                if "position" in changed:
                    services.photo_update(photo=added, position=data["position"])
                formset.new_objects.append(added)
            elif not photo._state.adding and changed:
                services.photo_update(
                    photo=photo,
                    alt=data["alt"] if "alt" in changed else None,
                    position=data["position"] if "position" in changed else None,
                    is_primary=True if "is_primary" in changed and data["is_primary"] else None,
                )
                formset.changed_objects.append((photo, sorted(changed)))
        return None


@admin.register(StockReservation)
class StockReservationAdmin(OrderLinksMixin, ReadOnlyAdminMixin, CatalogAdmin):
    list_display = ["order", "product", "quantity", "status", "created_at"]
    list_filter = ["status", date_range_filter("created_at")]
    search_fields = ["=order_id", "product__name"]
    list_select_related = ["product"]
    readonly_fields = [f.name for f in StockReservation._meta.fields]

    @admin.display(description=_("Order"), ordering="order_id")
    def order(self, reservation):
        return self.order_link(reservation)
