"""A test that needs an outside program skips with the install command when it is missing, and fails in CI."""

import pytest
from _pytest.outcomes import Failed, Skipped

import tests.conftest as conftest


def test_missing_program_skips_locally_with_the_install_command(monkeypatch):
    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(Skipped, match=r"apt-get install -y poppler-utils"):
        conftest.require_program("pdftotext", "poppler-utils")


def test_missing_program_fails_in_ci(monkeypatch):
    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(Failed, match=r"nginx not found"):
        conftest.require_program("nginx", "nginx")


def test_present_program_is_found():
    assert conftest.require_program("sh", "dash").endswith("/sh")
