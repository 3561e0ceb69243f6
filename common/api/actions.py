"""One base for the API's actions on one object (`POST /policies/<pk>/cancel`): validate the
body, look the object up as the user may see it, call the service, serialize what it
returns (docs/conventions.md, "Views")."""

from typing import Any, ClassVar
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.views import validated


class ActionView(APIView):
    """A subclass names its serializers and its summary, and says in `act` which selector looks
    the object up and which service it calls; the schema follows from the same names."""

    method: ClassVar[str] = "post"
    input_serializer: ClassVar[type[serializers.Serializer[Any]] | None] = None
    output_serializer: ClassVar[type[serializers.Serializer[Any]]]
    summary: ClassVar[str]
    success_status: ClassVar[int] = status.HTTP_200_OK

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

        def handler(self: ActionView, request: Request, pk: UUID) -> Response:
            body = validated(self.input_serializer, request) if self.input_serializer else {}
            done = self.act(request, pk, body)
            return Response(self.output_serializer(done).data, status=self.success_status)

        handler.__name__ = cls.method
        schema = extend_schema(
            request=cls.input_serializer,
            responses={cls.success_status: cls.output_serializer},
            summary=cls.summary,
        )
        setattr(cls, cls.method, schema(handler))

    def act(self, request: Request, pk: UUID, body: dict[str, Any]) -> Any:
        """Look the object up through the app's selector, as `request.user` may see it, and
        call the service with `body`; what it returns is serialized."""
        raise NotImplementedError
