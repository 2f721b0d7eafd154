"""URLs. Pages are in Vietnamese at their plain address and in English under /en/.

The language comes from the address, not from the browser's Accept-Language, so staff
see Vietnamese by default whatever their browser is set to; the language switch
(``set_language``) moves between /members/ and /en/members/.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views import defaults

from reports import views as reports_views


def not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="core/404.html")


def forbidden(request, exception):
    return defaults.permission_denied(request, exception, template_name="core/403.html")


handler404 = not_found
handler403 = forbidden

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    # The leaders' dashboard is the home page (issue 6).
    path("", reports_views.dashboard, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("members.urls")),
    path("recruitment/", include("recruitment.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    prefix_default_language=False,
)
