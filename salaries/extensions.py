"""Sections other apps add to salary pages, so that salaries never imports or names them.

An app registers, in its AppConfig.ready(), a section with the cache scope it depends on:

    register_landing_section(scope="jobs", section=open_jobs)

A landing page calls each section with the role and country code and includes what it
returns: a dict with the "template" to include and the context for it, or None to add nothing.
The page is cached under each registered scope too, so a section's app retires the pages that
show it by moving its scope (portal.versions.move).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LandingSection:
    scope: str
    section: Callable[..., dict | None]


landing_section_registry: list[LandingSection] = []


def register_landing_section(*, scope: str, section: Callable[..., dict | None]) -> None:
    """Add `section(role, country)` to every salary landing page, cached under `scope`.
    Registering the same section again (a second ready()) changes nothing."""
    if any(entry.section == section for entry in landing_section_registry):
        return
    landing_section_registry.append(LandingSection(scope=scope, section=section))


def landing_scopes() -> list[str]:
    """The cache scopes of the registered sections, each once, in the order registered."""
    return list(dict.fromkeys(entry.scope for entry in landing_section_registry))


def landing_sections(role, country: str) -> list[dict]:
    sections = (entry.section(role, country) for entry in landing_section_registry)
    return [section for section in sections if section]
