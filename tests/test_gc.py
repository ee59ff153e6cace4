"""The collector settings (compliance._gc): a step's objects are frozen only inside
``steps_kept`` (a CLI command), never by the library on its own."""

import gc

from compliance._gc import paused, steps_kept


@paused
def _step() -> list[list[int]]:
    return [[i] for i in range(1000)]


def test_the_library_alone_freezes_nothing():
    before = gc.get_freeze_count()
    kept = _step()
    assert gc.get_freeze_count() == before and gc.isenabled() and len(kept) == 1000


def test_inside_a_command_each_step_is_frozen_after_it():
    try:
        before = gc.get_freeze_count()
        with steps_kept():
            kept = _step()
            assert gc.get_freeze_count() >= before + 1000
        after = gc.get_freeze_count()
        _step()  # outside again: nothing more is frozen
        assert gc.get_freeze_count() == after and gc.isenabled() and len(kept) == 1000
    finally:
        gc.unfreeze()  # give the test process its objects back


def test_a_cli_command_keeps_its_steps(workdir):
    from click.testing import CliRunner

    from compliance.cli import main

    before = gc.get_freeze_count()
    try:
        result = CliRunner().invoke(main, ["check", "--as-of", "2023-06-30", "--format", "json",
                                           "-o", "r.json", "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        assert gc.get_freeze_count() > before
        from compliance import _gc

        assert not _gc._keep_steps  # the command is over: the library is left as it was
    finally:
        gc.unfreeze()
