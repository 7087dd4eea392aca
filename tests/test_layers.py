"""Which way the code leans (../shared/ARCHITECTURE.md, "Rooms"), read from the source.

`portal/` is the floor every app stands on: it imports nothing of the apps but in urls.py.
`careers` and `jobs` may read `salaries`, never the reverse, in Python or in templates: they
add their landing-page sections, with their cache scopes, through salaries.extensions. And a
module past about 400 lines has two concerns.
"""

import ast
import re
from pathlib import Path

import pytest

from portal import versions

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = {"salaries", "careers", "jobs"}
MAX_LINES = 400


def modules(package: str) -> list[Path]:
    """The Python modules of a package, migrations aside."""
    return sorted(
        path
        for path in (BASE_DIR / package).rglob("*.py")
        if "migrations" not in path.relative_to(BASE_DIR).parts
    )


def name_of(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def called(node: ast.Call) -> str:
    """The name a call is made by: `move` for versions.move(...) and move(...) alike."""
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def imported(path: Path, root: Path = BASE_DIR) -> set[str]:
    """The dotted names a module imports, wherever the statement is (inside a function too),
    relative imports made absolute; and the apps it reaches by name (import_module,
    apps.get_model)."""
    package = path.relative_to(root).parts[:-1]  # a module's, or an __init__'s own
    names = set()
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and called(node) in ("import_module", "get_model"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def reaches(path: Path, packages: set[str], root: Path = BASE_DIR) -> list[str]:
    return sorted(name for name in imported(path, root) if name.split(".")[0] in packages)


def test_the_import_reader_sees_every_form_of_import(tmp_path):
    package = tmp_path / "salaries" / "figures"
    package.mkdir(parents=True)
    module = package / "survey.py"
    module.write_text(
        "import jobs.models\n"
        "from careers import views\n"
        "from ..models import Role\n"
        "def later():\n"
        "    from . import privacy\n"
        "    apps.get_model('jobs', 'JobPosting')\n"
    )
    assert {
        "jobs.models", "careers.views", "salaries.models.Role", "salaries.figures.privacy",
        "jobs",
    } <= imported(module, tmp_path)  # fmt: skip
    assert reaches(module, {"careers", "jobs"}, tmp_path) == [
        "careers", "careers.views", "jobs", "jobs.models",
    ]  # fmt: skip


def test_portal_imports_nothing_of_the_apps_but_in_its_urls():
    found = {
        name_of(path): names
        for path in modules("portal")
        if path != BASE_DIR / "portal" / "urls.py"
        if (names := reaches(path, APPS))
    }
    assert found == {}, f"portal is the floor the apps stand on; these import apps: {found}"


def test_salaries_imports_nothing_of_careers_or_jobs():
    found = {
        name_of(path): names
        for path in modules("salaries")
        if (names := reaches(path, APPS - {"salaries"}))
    }
    assert found == {}, f"careers and jobs read salaries, never the reverse: {found}"


def scopes_named_by(packages: list[str]) -> set[str]:
    """The cache scopes these apps name as text: in public_page(...), versions.move(...) and
    register_landing_section(scope=...) calls. Salaries' own (all, reference) aside."""
    scopes = set()
    for package in packages:
        for path in modules(package):
            for node in ast.walk(parse(path)):
                if not isinstance(node, ast.Call):
                    continue
                if called(node) in ("public_page", "move", "stamp"):
                    values = node.args
                elif called(node) == "register_landing_section":
                    values = [k.value for k in node.keywords if k.arg == "scope"]
                else:
                    continue
                scopes.update(
                    v.value
                    for v in values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )
    return scopes - {versions.ALL, versions.REFERENCE}


def strings_in(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_salaries_names_none_of_the_cache_scopes_of_careers_and_jobs():
    scopes = scopes_named_by(["careers", "jobs"])
    assert {"guides", "jobs"} <= scopes  # the reader finds them where they are
    found = {
        name_of(path): sorted(named)
        for path in modules("salaries")
        if (named := strings_in(path) & scopes)
    }
    assert found == {}, f"these name careers' or jobs' cache scopes ({sorted(scopes)}): {found}"
    alternatives = "|".join(map(re.escape, sorted(scopes)))
    quoted = re.compile(rf"""["']({alternatives})["']""")
    templates = sorted((BASE_DIR / "templates" / "salaries").rglob("*.html"))
    found = {name_of(t): quoted.findall(t.read_text()) for t in templates}
    assert {name: names for name, names in found.items() if names} == {}


# {% include "jobs/…" %}, {% extends 'careers/…' %}, {% url 'jobs:list' %}
OTHER_APPS_IN_TEMPLATE = re.compile(
    r"""\{%\s*(?:include|extends)\s+["'](?:careers|jobs)/|\{%\s*url\s+["'](?:careers|jobs):"""
)


def test_salary_templates_include_nothing_of_careers_or_jobs():
    """Sections other apps add carry their own template (salaries.extensions)."""
    templates = sorted((BASE_DIR / "templates" / "salaries").rglob("*.html"))
    assert templates
    found = [name_of(t) for t in templates if OTHER_APPS_IN_TEMPLATE.search(t.read_text())]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        '{% include "jobs/includes/open_jobs.html" %}',
        "{% include 'careers/includes/related_guides.html' with section=section %}",
        '{%extends "jobs/list.html"%}',
        "<a href=\"{% url 'jobs:list' %}\">",
    ],
)
def test_the_template_reader_sees(text):
    assert OTHER_APPS_IN_TEMPLATE.search(text)


def test_every_module_stays_under_400_lines():
    lengths = {
        name_of(path): length
        for package in ["portal", *sorted(APPS)]
        for path in modules(package)
        if (length := len(path.read_text(encoding="utf-8").splitlines())) >= MAX_LINES
    }
    assert lengths == {}, f"past {MAX_LINES} lines a module has two concerns: {lengths}"
