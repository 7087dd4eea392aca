import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Pages render {% static %}; the hashed manifest exists only after collectstatic (make run).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
