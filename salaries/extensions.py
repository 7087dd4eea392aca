"""Sections other apps add to salary pages, so that salaries never imports them.

An app registers a function in its AppConfig.ready(); a landing page calls each with the role
and country code and includes what it returns: a dict with a "template" to include and the
context for it, or None to add nothing.
"""

landing_section_providers = []


def add_landing_section(provider):
    if provider not in landing_section_providers:
        landing_section_providers.append(provider)
    return provider


def landing_sections(role, country: str) -> list[dict]:
    sections = (provider(role, country) for provider in landing_section_providers)
    return [section for section in sections if section]
