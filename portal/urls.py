from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("review/<int:draft_id>/<str:token>/", views.review, name="review"),
    path("review/<int:draft_id>/<str:token>/done/", views.done, name="done"),
    path("review/<int:draft_id>/<str:token>/renew/", views.renew, name="renew"),
]
