from rest_framework.routers import SimpleRouter

from catalog.api import views

router = SimpleRouter()
router.register("catalog/categories", views.CategoryViewSet, basename="categories")
router.register("catalog/products", views.ProductViewSet, basename="products")
router.register(
    r"catalog/products/(?P<product_pk>[^/.]+)/photos",
    views.ProductPhotoViewSet,
    basename="product-photos",
)

urlpatterns = router.urls
