from django.contrib.auth.decorators import login_required
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

app_name = "imports"

urlpatterns = [
    path(
        "",
        login_required(
            TemplateView.as_view(
                template_name="core/coming_soon.html", extra_context={"title": _("Imports")}
            )
        ),
        name="index",
    ),
]
