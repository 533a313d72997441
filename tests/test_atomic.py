"""Saving never leaves a half-written workbook, and a workbook that cannot be saved is left untouched."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile

import openpyxl
import pytest

from plansync.errors import WorkbookLocked
from plansync.workbook.atomic import lock_owner, owner_file
from plansync.workbook.openpyxl_book import OpenpyxlWorkbook


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _workbook(path):
    wb = openpyxl.Workbook()
    wb.active.append(["Ref", "Action", "Lead", "Target date"])
    wb.active.append(["1.1", "Do it", "DCS", "July 2022"])
    wb.save(path)
    return path


def _excel_owner_file(path, name: str) -> None:
    """What Excel writes beside a workbook it opens: length byte, name, spaces, then the name in UTF-16."""
    ansi = name.encode("cp1252")
    head = bytes([len(ansi)]) + ansi
    head = head.ljust(54, b" ")
    owner_file(path).write_bytes(head + bytes([len(name), 0]) + name.encode("utf-16-le") + b"\x00" * 20)


def test_a_crash_half_way_through_saving_leaves_the_original_intact(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "plan.xlsx")
    before = _digest(path)
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 2, [["Changed"]])

    def half_a_save(target):
        with open(target, "wb") as handle:
            handle.write(b"PK\x03\x04 half a zip")
        raise RuntimeError("power cut")

    monkeypatch.setattr(book.wb, "save", half_a_save)
    with pytest.raises(RuntimeError, match="power cut"):
        book.save()
    assert before == _digest(path)
    assert ["plan.xlsx"] == sorted(p.name for p in tmp_path.iterdir())


def test_a_save_replaces_the_file_whole_and_keeps_its_permissions(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx")
    os.chmod(path, 0o640)
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 2, [["Changed"]])
    book.save()
    assert "Changed" == openpyxl.load_workbook(path).active["B2"].value
    assert 0o640 == stat.S_IMODE(path.stat().st_mode)
    assert ["plan.xlsx"] == sorted(p.name for p in tmp_path.iterdir())


def test_excel_owner_file_gives_the_name_of_who_has_it_open(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx")
    assert lock_owner(path) is None
    _excel_owner_file(path, "Jane Smith")
    assert "Jane Smith" == lock_owner(path)


def test_a_workbook_open_in_excel_is_refused_before_any_work(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx")
    _excel_owner_file(path, "Jane Smith")
    before = _digest(path)
    with pytest.raises(WorkbookLocked) as caught:
        OpenpyxlWorkbook.open(path, write=True)
    assert (
        "plan.xlsx is open in Excel by Jane Smith, so plansync cannot save it. Close it in Excel (or ask Jane Smith to), "
        "then run the command again. If nobody has it open, delete the leftover lock file ~$plan.xlsx beside it. "
        "Nothing was changed."
    ) == str(caught.value)
    assert before == _digest(path)


def test_a_workbook_opened_in_excel_after_loading_is_not_overwritten(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx")
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 2, [["Changed"]])
    before = _digest(path)
    _excel_owner_file(path, "Jane Smith")
    with pytest.raises(WorkbookLocked):
        book.save()
    assert before == _digest(path)


def test_a_read_only_workbook_is_refused_and_left_untouched(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx")
    os.chmod(path, 0o444)
    before = _digest(path)
    with pytest.raises(WorkbookLocked) as caught:
        OpenpyxlWorkbook.open(path, write=True)
    assert (
        "plan.xlsx is read-only, so plansync cannot save it. Untick 'Read-only' in the file's properties "
        "(or save a copy you can edit), then run the command again. Nothing was changed."
    ) == str(caught.value)
    assert before == _digest(path)
    # Reading is still fine.
    assert "Do it" == OpenpyxlWorkbook.open(path).read_sheet("Sheet").cell(2, 2)


def test_a_folder_that_refuses_new_files_is_reported_and_the_workbook_left_untouched(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "plan.xlsx")
    before = _digest(path)
    book = OpenpyxlWorkbook.open(path, write=True)
    book.write_range("Sheet", 2, 2, [["Changed"]])

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # Tests run as root, which ignores folder permissions; the file system's refusal is simulated.
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(WorkbookLocked) as caught:
        book.save()
    assert (
        f"plansync cannot create files in the folder {tmp_path}, so it cannot save plan.xlsx safely. "
        "Move the workbook to a folder you can save in (for example your Documents) and run the command again. "
        "Nothing was changed."
    ) == str(caught.value)
    assert before == _digest(path)


def test_a_workbook_open_in_libreoffice_is_refused_too(tmp_path):
    path = _workbook(tmp_path / "plan.xlsx")
    (tmp_path / ".~lock.plan.xlsx#").write_text("Sam Patel,PC-042,sam,25.11.2026 09:12,file:///home/sam/.config/libreoffice/4;")
    with pytest.raises(WorkbookLocked) as caught:
        OpenpyxlWorkbook.open(path, write=True)
    assert str(caught.value).startswith(
        "plan.xlsx is open in LibreOffice by Sam Patel, so plansync cannot save it. Close it in LibreOffice (or ask Sam Patel to)"
    )
