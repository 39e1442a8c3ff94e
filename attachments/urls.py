from django.urls import path

import core.converters  # noqa: F401  (the "id" converter)

from . import views

app_name = "attachments"

urlpatterns = [
    path("<id:pk>/download/", views.download, name="download"),
]
