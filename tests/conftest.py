import os

import pytest
from django.core.management import call_command
from django.utils import translation
from pytest_django.plugin import blocking_manager_key


def load_reference_data():
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", stdout=quiet)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A real hasher costs half a second a password by design; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_to_start_with():
    # A request to /ne/ leaves Nepali active in the test's thread (LocaleMiddleware activates a
    # language and never puts it back); each test starts as code outside a request does.
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Pages render {% static %}; the hashed manifest exists only after collectstatic (make run).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load currencies, sources, rates, PPP factors and seed ranges once, as `make run` does.

    Each test runs in a transaction that is rolled back, so every test starts from this.
    """
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table: load the reference data again, after
    every fixture's teardown, so the tests that follow (in any order) find it."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # (After the last test the test database is gone: nothing follows to need it.)
    if marker and marker.kwargs.get("transaction") and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
    return result


@pytest.fixture
def reference_data(db):
    """Marks tests that read the reference data loaded in django_db_setup."""


@pytest.fixture
def moderator(db):
    """A test client signed in as a member of the Moderators group (`.user` is the user)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user("mod", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)
    client.user = user
    return client
