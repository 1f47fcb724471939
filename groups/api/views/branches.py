from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ...models import Branch, Role
from ...permissions import branches_for
from ...services.branches import create_branch
from ..permissions import StaffMayCreate
from ..serializers.branches import BranchSerializer


@extend_schema_view(
    list=extend_schema(summary="Branches you have a role in"),
    retrieve=extend_schema(summary="One branch"),
    create=extend_schema(summary="Create a branch (staff users only); you become its first organiser"),
)
class BranchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BranchSerializer
    permission_classes = [IsAuthenticated, StaffMayCreate]
    lookup_field = "slug"
    lookup_url_kwarg = "branch_slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # a slug, as in every other branch route; anything else is a JSON 404

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Branch.objects.none()
        user = self.request.user
        # branches_for is the queryset twin of access_branch: a branch without
        # a role of yours is not in it, so its slug answers 404.
        role = Role.objects.filter(branch=OuterRef("pk"), user=user).values("role")[:1]
        return branches_for(user).annotate(role=Subquery(role))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        branch = create_branch(
            actor=request.user,
            name=data["name"],
            slug=data.get("slug", ""),
            description=data.get("description", ""),
        )
        branch = self.get_queryset().get(pk=branch.pk)
        return Response(self.get_serializer(branch).data, status=status.HTTP_201_CREATED)
