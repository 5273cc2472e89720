# The Django settings of the deployment svd comes from, reduced (docs/reference-deployment.md).
SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["totheballpark.test", "www.totheballpark.test"]
INSTALLED_APPS = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "baseball.urls"
WSGI_APPLICATION = "baseball.wsgi.application"
DATABASES = {}
USE_TZ = True
TIME_ZONE = "UTC"
