"""Two views: a page at / and /healthz for probes (200 "ok")."""
import os

from django.http import HttpResponse
from django.urls import path

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>To the ballpark</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body>
<h1>To the ballpark</h1>
<p>baseball ok host={host} secure={secure} pid={pid} forwarded-for={forwarded_for}</p>
<p>Django behind gunicorn behind nginx, all supervised by svd.</p>
</body>
</html>
"""


def index(request):
    # host, secure, the worker's pid and the client address nginx passed on let a check see the
    # whole path: the Host header, X-Forwarded-Proto honoured, which gunicorn worker answered, and
    # X-Forwarded-For.
    return HttpResponse(PAGE.format(host=request.get_host(), secure=request.is_secure(), pid=os.getpid(),
                                    forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", "-")))


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("", index), path("healthz", healthz)]
