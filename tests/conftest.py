from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _working_copy(rules: Path, plan: Path, tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(rules, tmp_path / "rules")
    shutil.copytree(plan, tmp_path / "plan_data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A copy of the bundled rules and plan data as the working directory."""
    return _working_copy(ROOT / "rules", ROOT / "plan_data", tmp_path, monkeypatch)


@pytest.fixture
def plan113(tmp_path, monkeypatch):
    """A copy of the ROC-113 example plan as the working directory (it tracks cases and
    declares a number records carry, 抽查件數)."""
    example = ROOT / "examples/plan-113"
    return _working_copy(example / "rules", example / "plan_data", tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def bundle():
    from compliance.load import load_bundle

    return load_bundle(ROOT / "rules", ROOT / "plan_data")
