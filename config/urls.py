from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Mail agent: audit trail"
admin.site.site_title = "Mail agent admin"
admin.site.index_title = "What the agent read, decided, drafted and sent"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
]
