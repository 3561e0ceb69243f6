from rest_framework.routers import SimpleRouter

from catalog.api import views

router = SimpleRouter()
router.register("catalog/categories", views.CategoryViewSet, basename="categories")
router.register("catalog/products", views.ProductViewSet, basename="products")

urlpatterns = router.urls
