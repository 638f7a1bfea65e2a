"""Test sessions of {{ project_name }} over several Python versions."""

import nox

nox.options.sessions = ["tests", "lint"]


@nox.session(python=["{{ python_version }}"])
def tests(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("pytest")


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff", "mypy")
    session.run("ruff", "check", "src", "tests")
    session.run("mypy", "src")
