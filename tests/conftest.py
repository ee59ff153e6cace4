from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A copy of the bundled rules and plan data as the working directory."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "plan_data", tmp_path / "plan_data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def bundle():
    from compliance.load import load_bundle

    return load_bundle(ROOT / "rules", ROOT / "plan_data")
