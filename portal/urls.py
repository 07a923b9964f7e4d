from django.urls import path

from portal import crm_views, digest_views, kpi_views, oauth_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("review/<int:draft_id>/<str:token>/", views.review, name="review"),
    path("review/<int:draft_id>/<str:token>/done/", views.done, name="done"),
    path("review/<int:draft_id>/<str:token>/renew/", views.renew, name="renew"),
    path("review/<int:draft_id>/<str:token>/correct/", views.correct, name="correct"),
    path("approve-all/<str:token>/", digest_views.approve_all, name="approve_all"),
    path("approve-all/<str:token>/done/", digest_views.approve_all_done, name="approve_all_done"),
    path("metrics/", digest_views.metrics, name="metrics"),
    path("kpi/", kpi_views.kpi_latest, name="kpi"),
    path("kpi/r/<str:token>/", kpi_views.kpi_shared, name="kpi_shared"),
    path("kpi/<str:week>/", kpi_views.kpi_week, name="kpi_week"),
    path("crm/", crm_views.crm_suggestions, name="crm"),
    path("crm/<int:suggestion_id>/decide/", crm_views.crm_decide, name="crm_decide"),
    path("oauth/callback/", oauth_views.oauth_callback, name="oauth_callback"),
]
