"""REST FRAMEWORK and the API's schema: DRF's defaults (the envelope, the pages, the throttles)
and drf-spectacular's (docs/api.md; docs/security.md, "The API schema")."""

# REST FRAMEWORK
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.api.authentication.JWTAuthentication",
        "common.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["common.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "common.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["common.api.throttling.RateThrottle"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# THE API'S SCHEMA (docs/security.md, "The API schema")
# ------------------------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Autosalon API",
    "DESCRIPTION": "Dealership commerce platform: catalog, orders, payments, financing and "
    "insurance. Every error answers with the envelope "
    '`{"success": false, "error": {"code", "message", "details"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.choices.OrderStatus",
        "RoleEnum": "accounts.choices.Role",
        "LoanApplicationStatusEnum": "financing.choices.ApplicationStatus",
        "ClientStatusEnum": "crm.choices.ClientStatus",
        "ClientTypeEnum": "crm.choices.ClientType",
        "OrderLinkKindEnum": "orders.choices.LinkKind",
        "ProductKindEnum": "catalog.choices.ProductKind",
        "DocumentKindEnum": "documents.choices.DocumentKind",
        "VehicleConditionEnum": "catalog.choices.Condition",
        "TradeInConditionEnum": "tradein.choices.Condition",
        "ServiceBookingStatusEnum": "service.choices.BookingStatus",
        "WorkOrderStatusEnum": "service.choices.WorkOrderStatus",
        "WarrantyClaimStatusEnum": "service.choices.WarrantyClaimStatus",
        "WorkOrderLineKindEnum": "service.choices.LineKind",
        "WorkOrderChannelEnum": "service.choices.Channel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema.add_error_envelope",
        "common.api.schema.bound_schema",
    ],
    # Relative: the schema describes whichever host serves it.
    "SERVERS": [
        {
            "url": "/",
            "description": "The deployment serving this schema: local, staging or production.",
            "x-internal": False,
        }
    ],
}
