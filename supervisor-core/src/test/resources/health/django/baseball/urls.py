import os
from django.http import JsonResponse
from django.urls import path


def healthz(request):
    return JsonResponse({"status": "ok", "host": request.get_host(), "pid": os.getpid()})


urlpatterns = [path("healthz", healthz)]
