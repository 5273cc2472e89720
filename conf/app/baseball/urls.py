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
<p>baseball ok host={host} secure={secure} pid={pid}</p>
<p>Django behind gunicorn behind nginx, all supervised by svd.</p>
</body>
</html>
"""


def index(request):
    # host, secure and the worker's pid let a check see the whole path: the Host nginx passed on,
    # X-Forwarded-Proto honoured, and which gunicorn worker answered.
    return HttpResponse(PAGE.format(host=request.get_host(), secure=request.is_secure(), pid=os.getpid()))


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("", index), path("healthz", healthz)]
