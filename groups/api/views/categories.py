from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from ...services.categories import create_category
from ..serializers.categories import CategorySerializer
from .base import BranchScopedViewSet


@extend_schema_view(
    list=extend_schema(tags=["categories"], summary="The branch's membership categories (organisers and stewards)"),
    create=extend_schema(tags=["categories"], summary="Add a membership category (organisers)"),
)
class CategoryViewSet(mixins.ListModelMixin, BranchScopedViewSet):
    serializer_class = CategorySerializer
    permission = {"list": "view_people", "create": "manage_categories"}

    def get_queryset(self):
        if self.is_schema_generation():
            return CategorySerializer.Meta.model.objects.none()
        return self.get_branch().categories.order_by("order", "name")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = create_category(branch=self.get_branch(), actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(category).data, status=status.HTTP_201_CREATED)
