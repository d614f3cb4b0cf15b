"""``build`` writes all its outputs or none: whatever fails, the --out folder is left as it was."""

from __future__ import annotations

import errno
import importlib
import os
import stat
from pathlib import Path

import pytest

from graph.cli import cli
from graph.errors import ExportError
from graph.publish.build import OUTPUTS, Output, build

pytestmark = pytest.mark.usefixtures("test_rules")

# The module, not the function graph/__init__.py re-exports under the same name.
build_module = importlib.import_module("graph.publish.build")

SMALL = [Output("a.txt", lambda loaded: b"new a"), Output("b.txt", lambda loaded: b"new b")]
MORE = [*SMALL, Output("c.txt", lambda loaded: b"new c"), Output("d.txt", lambda loaded: b"new d")]


def snapshot(folder):
    """Every entry below ``folder`` (hidden ones too): name -> bytes, or None for a folder."""
    if not folder.exists():
        return None
    return {
        str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def previous(tmp_path):
    """An --out folder holding an earlier build (old a, b, c) and an unrelated file."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.txt", "b.txt", "c.txt", "notes.md"):
        (out / name).write_bytes(b"old " + name.encode())
    return out


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args])


def assert_clean_failure(result, code=3):
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("Error: ") == 1
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


# --- a folder where an output should go ---------------------------------------------------------


def test_a_folder_in_place_of_an_output_writes_no_other_output(runner, tmp_data, tmp_path):
    out = tmp_path / "out"
    (out / "graph.html").mkdir(parents=True)
    result = invoke(runner, "build", "--data", tmp_data(), "--out", out)
    assert_clean_failure(result)
    assert "graph.html is a folder" in result.stderr and "--out" in result.stderr
    assert snapshot(out) == {"graph.html": None}


def test_a_folder_in_place_of_an_output_keeps_the_previous_build(runner, tmp_data, tmp_path):
    out = tmp_path / "out"
    build(tmp_data(), out)
    (out / "graph.html").unlink()
    (out / "graph.html").mkdir()
    before = snapshot(out)
    result = invoke(runner, "build", "--data", tmp_data(), "--out", out)
    assert_clean_failure(result)
    assert snapshot(out) == before


# --- a destination that cannot be written -------------------------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_destination_is_left_as_it_was(runner, tmp_data, previous):
    before = snapshot(previous)
    previous.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = invoke(runner, "build", "--data", tmp_data(), "--out", previous)
    finally:
        previous.chmod(stat.S_IRWXU)
    assert_clean_failure(result)
    assert "cannot write" in result.stderr
    assert snapshot(previous) == before


def test_a_refused_staging_folder_changes_nothing(monkeypatch, tmp_data, previous):
    # The same as a read-only folder, for a test run as root.
    def refuse(**kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(build_module.tempfile, "mkdtemp", refuse)
    before = snapshot(previous)
    with pytest.raises(ExportError, match="cannot write .*out: Permission denied") as caught:
        build(tmp_data(), previous, outputs=SMALL)
    assert caught.value.exit_code == 3
    assert snapshot(previous) == before


def test_a_destination_under_a_file_creates_nothing(runner, tmp_data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke(runner, "build", "--data", tmp_data(), "--out", blocker / "a" / "out")
    assert_clean_failure(result)
    assert "cannot write" in result.stderr
    assert blocker.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "file"]


def test_a_full_disk_while_writing_changes_nothing(monkeypatch, tmp_data, previous):
    written = []
    real_write = build_module._Staging.write

    def write(self, filename, data):
        if len(written) == 2:
            raise ExportError(f"cannot write {filename}: No space left on device")
        written.append(filename)
        real_write(self, filename, data)

    monkeypatch.setattr(build_module._Staging, "write", write)
    before = snapshot(previous)
    with pytest.raises(ExportError, match="No space left"):
        build(tmp_data(), previous, outputs=MORE)
    assert snapshot(previous) == before


def test_a_full_disk_reported_by_the_system_is_one_clean_error(monkeypatch, tmp_data, previous):
    real_fsync = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(build_module.os, "fsync", fsync)
    before = snapshot(previous)
    with pytest.raises(ExportError, match=r"cannot write .*c\.txt: No space left on device"):
        build(tmp_data(), previous, outputs=MORE)
    assert snapshot(previous) == before


# --- a failure while moving the outputs into place ----------------------------------------------


def failing_replace(monkeypatch, folder: Path, after: int, error: BaseException):
    """Make the ``after``+1-th move of a new file into ``folder`` fail."""
    real = os.replace
    moves = []

    def replace(source, target):
        if Path(target).parent == folder and Path(source).parent.name != ".old":
            if len(moves) == after:
                raise error
            moves.append(target)
        real(source, target)

    monkeypatch.setattr(build_module.os, "replace", replace)


def test_a_failure_half_way_through_puts_the_old_files_back(monkeypatch, tmp_data, previous):
    before = snapshot(previous)
    failing_replace(monkeypatch, previous, 3, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(ExportError, match=r"cannot write .*d\.txt: Input/output error"):
        build(tmp_data(), previous, outputs=MORE)
    assert snapshot(previous) == before  # a, b, c were replaced, then restored; no d


def test_ctrl_c_half_way_through_puts_the_old_files_back(monkeypatch, tmp_data, previous):
    before = snapshot(previous)
    failing_replace(monkeypatch, previous, 2, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        build(tmp_data(), previous, outputs=MORE)
    assert snapshot(previous) == before


def test_without_hard_links_the_old_files_are_still_put_back(monkeypatch, tmp_data, previous):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(build_module.os, "link", no_links)
    before = snapshot(previous)
    failing_replace(monkeypatch, previous, 3, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(ExportError):
        build(tmp_data(), previous, outputs=MORE)
    assert snapshot(previous) == before


def test_a_new_folder_that_cannot_be_put_in_place_leaves_no_trace(monkeypatch, tmp_data, tmp_path):
    def refuse(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(build_module.os, "rename", refuse)
    with pytest.raises(ExportError, match="Invalid cross-device link"):
        build(tmp_data(), tmp_path / "new" / "out", outputs=SMALL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_failing_renderer_leaves_no_new_folder(tmp_data, tmp_path):
    def broken(loaded):
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        build(tmp_data(), tmp_path / "new" / "out", outputs=[*SMALL, Output("x", broken)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


# --- success --------------------------------------------------------------------------------------


def test_a_build_replaces_its_files_and_keeps_the_others(tmp_data, previous):
    result = build(tmp_data(), previous, outputs=MORE)
    assert result.files == [previous / name for name in ("a.txt", "b.txt", "c.txt", "d.txt")]
    assert snapshot(previous) == {
        "a.txt": b"new a",
        "b.txt": b"new b",
        "c.txt": b"new c",
        "d.txt": b"new d",
        "notes.md": b"old notes.md",
    }


def test_a_new_folder_gets_the_usual_modes(tmp_data, tmp_path):
    out = tmp_path / "new" / "out"
    mask = os.umask(0o022)
    try:
        build(tmp_data(), out, outputs=SMALL)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "a.txt").stat().st_mode) == 0o644
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no staging folder left


def test_the_cli_build_leaves_only_its_outputs(runner, tmp_data, tmp_path):
    out = tmp_path / "out"
    for _ in range(2):  # into a new folder, then over the previous build
        result = invoke(runner, "build", "--data", tmp_data(), "--out", out)
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir()) == sorted(o.filename for o in OUTPUTS)
