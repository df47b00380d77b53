"""Where the shipped folders and the instance folder are found (lms.resources)."""

import pytest

from lms import resources


def test_an_installed_package_reads_its_own_copy_first(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "lms"
    (package / "shipped" / "courses").mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE_DIR", package)
    monkeypatch.setattr(resources, "SHIPPED_DIR", package / "shipped")
    assert resources.shipped("courses") == package / "shipped" / "courses"
    with pytest.raises(FileNotFoundError, match=r"installed without its static/ folder"):
        resources.shipped("static")  # site-packages is no checkout: nothing beside the package is looked at
    with pytest.raises(ValueError):
        resources.shipped("instance")


def test_a_checkout_reads_the_top_level_folders():
    assert resources.shipped("static") == resources.PACKAGE_DIR.parent / "static"
    assert (resources.shipped("migrations") / "env.py").is_file()


def test_the_instance_folder_is_per_user(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resources.default_instance_path() == str(tmp_path / "xdg" / "lms")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resources.default_instance_path() == str(tmp_path / ".local" / "share" / "lms")
