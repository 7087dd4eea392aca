"""Data versions: what remembered figures and cached pages are keyed on, so that a change
retires only what it can change.

A scope names what a figure or page depends on:
- "pair:<role slug>:<country code>": one role in one country (a landing page);
- "role:<slug>", "country:<code>": a role anywhere, or every role in a country;
- "all": anything (totals, the home page, lists with neither role nor country);
- "jobs", "guides": what the apps add to pages (open postings, related guides).
Every key also carries the "reference" version, which bulk writes (an import, new rates, a
renamed role) move, retiring everything at once.

A salary observation saved or deleted moves its pair, its role, its country and "all": an
approved report in Nepal leaves every page about other countries as it was.
"""

import hashlib
import re
import time
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

REFERENCE = "reference"
ALL = "all"
PREFIX = "version:"
SLUG = re.compile(r"^[-a-z0-9_]{1,100}$")


def scope_of(role_slug: str = "", country: str = "") -> str:
    """The narrowest scope of a role and a country (either may be empty or unknown)."""
    role_slug = role_slug if role_slug and SLUG.match(role_slug) else ""
    country = country.upper() if country and re.fullmatch(r"[A-Za-z]{2}", country) else ""
    if role_slug and country:
        return f"pair:{role_slug}:{country}"
    if role_slug:
        return f"role:{role_slug}"
    if country:
        return f"country:{country}"
    return ALL


def scopes_of_group(role_slug: str, country: str) -> list[str]:
    """Every scope a change to one role in one country can touch."""
    return [scope_of(role_slug, country), scope_of(role_slug), scope_of("", country), ALL]


def move(*scopes: str) -> None:
    """Retire what depends on these scopes, once the writing transaction commits (a reader
    that saw the new version before then would compute from the old rows and keep them)."""
    stamp = time.time_ns()
    transaction.on_commit(lambda: cache.set_many({PREFIX + scope: stamp for scope in scopes}, None))


def stamp(*scopes: str) -> tuple[int, ...]:
    """The versions of the reference data and of these scopes, read in one cache call. A scope
    never moved is at 0 (its key is made only when it moves); the reference version is set
    the first time it is read. Version keys are read on every page, so an LRU cache (Redis)
    keeps them; the database cache culls keys in alphabetical order, and "version:" sorts
    after "page:" and "salaries:"."""
    keys = [PREFIX + REFERENCE, *(PREFIX + scope for scope in scopes)]
    found = cache.get_many(keys)
    if keys[0] not in found:
        found[keys[0]] = time.time_ns()
        cache.set(keys[0], found[keys[0]], None)
    return tuple(found.get(key, 0) for key in keys)


CODE_KEY = PREFIX + "code"
CODE_DIRS = ["portal", "salaries", "careers", "jobs", "templates", "static"]


def code_digest() -> str:
    """A hash of the code and templates that compute and render figures."""
    base = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for directory in CODE_DIRS:
        for path in sorted((base / directory).rglob("*")):
            if path.suffix in (".py", ".html", ".csv", ".md", ".css", ".js", ".svg") and (
                "migrations" not in path.parts
            ):
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def deployed() -> bool:
    """At a server's start: retire everything when the code differs from the code that
    remembered it (a deployment), and keep what `warm_pages` just computed when it does not.
    Returns whether it retired."""
    current = code_digest()
    if cache.get(CODE_KEY) == current:
        return False
    cache.set_many({PREFIX + REFERENCE: time.time_ns(), CODE_KEY: current}, None)
    return True
