from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("org/", views.organization_index, name="organization_index"),
    path("org/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("members/", views.member_list, name="member_list"),
    path("members/export.xlsx", views.member_export, name="member_export"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/transfer-in/", views.member_transfer_in, name="member_transfer_in"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member_transfer"),
    path("members/<int:pk>/transfer-out/", views.member_transfer_out, name="member_transfer_out"),
    path("members/<int:pk>/death/", views.member_death, name="member_death"),
]
