"""Settings of the baseball site behind nginx (TLS on 8443) and gunicorn (127.0.0.1:8000).

The domain comes from the environment (svd passes BASEBALL_DOMAIN to gunicorn, see
conf/svd.conf); everything else is fixed. No database: the site has no models.
"""
import os
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
DOMAIN = os.environ.get("BASEBALL_DOMAIN", "totheballpark.test")

# A deployment sets BASEBALL_SECRET_KEY; the fallback only serves the demo and the tests.
SECRET_KEY = os.environ.get("BASEBALL_SECRET_KEY", "demo-only-not-a-secret")
DEBUG = False

# Field notes, problem 4: a Host outside this list is a 400 (DisallowedHost). Local checks go
# through nginx with the domain as Host, or to gunicorn directly as 127.0.0.1/localhost.
ALLOWED_HOSTS = [DOMAIN, "www." + DOMAIN, "127.0.0.1", "localhost"]

# Field notes, problem 8: the site is served over https only (8081 redirects), so cookies are
# secure, and CSRF trusts the site's https origins: Django 4.0 wants them with the scheme, the
# 3.2 of Debian 12 as bare hosts (a "https://..." entry would never match there).
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SECURE = True
if django.VERSION >= (4, 0):
    CSRF_TRUSTED_ORIGINS = ["https://" + DOMAIN, "https://www." + DOMAIN]
else:
    CSRF_TRUSTED_ORIGINS = [DOMAIN, "www." + DOMAIN]
# nginx terminates TLS and says so in X-Forwarded-Proto (conf/nginx/sites/https.conf.in).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = ["django.contrib.staticfiles"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "baseball.urls"
WSGI_APPLICATION = "baseball.wsgi.application"
DATABASES = {}
TEMPLATES = []

USE_TZ = True
TIME_ZONE = "UTC"  # Django's default (America/Chicago) would also shift gunicorn's worker log times

# nginx serves /static/ from STATIC_ROOT (collectstatic copies baseball/static there) and
# /media/ from MEDIA_ROOT; the deployment directory holds both.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "baseball" / "static"]
STATIC_ROOT = os.environ.get("BASEBALL_STATIC_ROOT", str(BASE_DIR / "collected-static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("BASEBALL_MEDIA_ROOT", str(BASE_DIR / "media"))

# Django logs errors (a DisallowedHost among them) to stderr, which svd captures.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
