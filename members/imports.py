"""Imports of member rosters and dues records.

An import happens in two steps. ``import_job_check`` (a task) reads the file
and tries every row in a transaction that is rolled back, so nothing is
saved; it stores the counts, a preview and every row's errors. The officer
then confirms with ``import_job_confirm`` (only the good rows, if some rows
have errors), and ``import_job_run`` (a task) imports inside one
transaction: all rows or none.
"""

import io
import logging
import os
from collections import Counter

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.exceptions import ImportError as RowImportError
from import_export.results import RowResult

from lib.errors import error_text

from .models import ImportJob, User
from .resources import RESOURCES
from .scoping import user_may_see_unit

logger = logging.getLogger(__name__)

S = ImportJob.Status
EXTENSIONS = {".csv", ".xlsx"}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# Rows kept with their messages for the page; every bad row number is kept regardless.
MAX_ERROR_ROWS = 500
PREVIEW_ROWS = 10
# Rows that change a saved record, listed with each change (old → new) for the officer to check.
MAX_CHANGE_ROWS = 500
FIRST_LINE = 2  # the line of the first data row in the file (line 1 holds the headers)


def chunk_size() -> int:
    return getattr(settings, "IMPORT_CHUNK_SIZE", 500)


def _may_import(user: User, kind: str) -> bool:
    perm = {"members": "members.add_member", "dues": "members.add_duesrecord"}[kind]
    return user.is_active and user.is_staff and user.has_perm("members.add_importjob") and user.has_perm(perm)


def _may_handle(user: User, job: ImportJob) -> bool:
    if not _may_import(user, job.kind):
        return False
    return user.is_superuser or (job.unit is not None and user_may_see_unit(user, job.unit))


def _check_upload(upload: UploadedFile) -> str:
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in EXTENSIONS:
        raise ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB; split it in parts."))
    head = upload.read(4)
    upload.seek(0)
    if extension == ".xlsx" and head != b"PK\x03\x04":
        raise ValidationError(_("This file is not an Excel workbook (.xlsx)."))
    if extension == ".csv" and b"\x00" in head:
        raise ValidationError(_("This file is not a CSV text file."))
    return extension


@transaction.atomic
def import_job_create(*, kind: str, upload: UploadedFile, by: User) -> ImportJob:
    """Keep the file privately and queue its check. Nothing is imported yet."""
    if kind not in RESOURCES:
        raise ValidationError(_("Choose what the file holds."))
    if not _may_import(by, kind):
        raise PermissionDenied(_("You may not import these records."))
    if not by.is_superuser and by.officer_unit_id is None:
        raise PermissionDenied(_("You act for no unit, so there is nothing you may import into."))
    _check_upload(upload)
    job = ImportJob(
        kind=kind,
        original_name=os.path.basename(upload.name)[:200],
        unit=by.officer_unit,
        created_by=by,
        status=S.CHECKING,
    )
    job.file.save(upload.name, upload, save=False)
    job.save()
    from .tasks import import_job_check_task

    transaction.on_commit(lambda: import_job_check_task.delay(job.pk))
    return job


def _decode(data: bytes) -> str:
    # Excel in Chinese saves CSV as GB18030 (GBK); others save UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file's text encoding is not UTF-8 or GBK."))


def read_dataset(job: ImportJob) -> tablib.Dataset:
    with job.file.open("rb") as fh:
        data = fh.read()
    extension = os.path.splitext(job.original_name)[1].lower()
    try:
        if extension == ".xlsx":
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        else:
            dataset = tablib.Dataset().load(_decode(data), format="csv")
    except ValidationError:
        raise
    except Exception as exc:  # a damaged file can fail in many ways inside the readers
        raise ValidationError(_("The file could not be read: %(error)s") % {"error": exc}) from exc
    if not dataset.headers:
        raise ValidationError(_("The file is empty."))
    # Spreadsheets often carry empty lines at the end.
    blank = [i for i, row in enumerate(dataset) if all(v in (None, "") for v in row)]
    for index in reversed(blank):
        del dataset[index]
    if len(dataset) > MAX_ROWS:
        raise ValidationError(_("The file has more than %(n)d rows; split it in parts.") % {"n": MAX_ROWS})
    return dataset


def _slice(dataset: tablib.Dataset, start: int, size: int) -> tablib.Dataset:
    part = tablib.Dataset(headers=dataset.headers)
    for row in dataset[start : start + size]:
        part.append(row)
    return part


def _messages(resource, invalid_row) -> list[str]:
    labels = {name: str(label) for name, label in resource.COLUMNS}
    messages = []
    for field, errors in invalid_row.error_dict.items():
        for error in errors:
            messages.append(error if field == "__all__" else f"{labels.get(field, field)}: {error}")
    return messages


def _error_text(exc: Exception) -> str:
    # A row that breaks a unique constraint: the database's own text would mean nothing to the officer.
    if isinstance(exc, IntegrityError):
        return _("It conflicts with a record saved already.")
    return error_text(exc)


def _fail(job_id: int, reason: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=S.FAILED, failure=reason, finished_at=timezone.now())


def import_job_check(*, job_id: int) -> ImportJob:
    """Try every row without saving anything; record counts, preview and row errors.

    The rows are checked, not saved (numbers already taken are looked up for
    each chunk), and the progress is saved between chunks for the officer's page.
    """
    try:
        return _check(job_id)
    except Exception as exc:
        # Never leave the officer looking at "being checked" for ever.
        logger.exception("Check of import %s failed", job_id)
        _fail(job_id, _error_text(exc))
        return ImportJob.objects.get(pk=job_id)


def _check(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != S.CHECKING:
        return job
    try:
        dataset = read_dataset(job)
    except ValidationError as exc:
        _fail(job.pk, " ".join(exc.messages))
        return ImportJob.objects.get(pk=job.pk)
    resource = RESOURCES[job.kind](user=job.created_by)
    resource.checking = True
    resource.normalise_headers(dataset)
    total = len(dataset)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=0)
    counts: Counter = Counter()
    errors: list[dict] = []
    bad_rows: list[int] = []
    preview_types: dict[int, str] = {}
    changes: list[dict] = []
    size = chunk_size()
    for start in range(0, total, size):
        # ``checking``: rows are checked, never saved, so no transaction is needed.
        result = resource.import_data(
            _slice(dataset, start, size), dry_run=False, use_transactions=False, retain_instance_in_row_result=True
        )
        if result.base_errors:
            _fail(job.pk, " ".join(_error_text(e.error) for e in result.base_errors))
            return ImportJob.objects.get(pk=job.pk)
        counts.update({kind: n for kind, n in result.totals.items() if n})
        for index, row_result in enumerate(result.rows):
            if start + index < PREVIEW_ROWS:
                preview_types[start + index] = row_result.import_type
            if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE and len(changes) < MAX_CHANGE_ROWS:
                changes.append(
                    {
                        "line": start + index + FIRST_LINE,
                        "name": str(row_result.original),
                        "fields": resource.row_changes(row_result.original, row_result.instance),
                    }
                )
        problems: dict[int, list[str]] = {}
        for invalid in result.invalid_rows:
            problems[start + invalid.number - 1] = _messages(resource, invalid)
        for number, row_errors in result.row_errors():
            problems.setdefault(start + number - 1, []).extend(_error_text(e.error) for e in row_errors)
        for index in sorted(problems):
            bad_rows.append(index)
            if len(errors) < MAX_ERROR_ROWS:
                errors.append({"line": index + FIRST_LINE, "messages": problems[index]})
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=min(start + size, total))
    labels = dict(resource.COLUMNS)
    preview = {
        "ignored": resource.ignored_headers(dataset),
        "headers": [str(labels.get(h, h)) for h in dataset.headers],
        "rows": [
            {
                "line": i + FIRST_LINE,
                "type": preview_types.get(i, ""),
                "values": ["" if v is None else str(v) for v in dataset[i]],
            }
            for i in range(min(PREVIEW_ROWS, total))
        ],
        "changes": [
            {
                **row,
                "fields": [
                    {**change, "label": str(labels.get(change["field"], change["field"]))} for change in row["fields"]
                ],
            }
            for row in changes
        ],
    }
    ImportJob.objects.filter(pk=job.pk, status=S.CHECKING).update(
        status=S.HAS_ERRORS if bad_rows else S.READY,
        counts=dict(counts),
        errors=errors,
        bad_rows=bad_rows,
        preview=preview,
        processed_rows=total,
    )
    return ImportJob.objects.get(pk=job.pk)


@transaction.atomic
def import_job_confirm(
    *, job: ImportJob, by: User, skip_bad_rows: bool = False, changes_checked: bool = False
) -> ImportJob:
    """The officer's go: import every row, or only the good ones when some have errors.

    A file that changes saved records (a member renamed, moved to another unit) is imported
    only once the officer says they have checked the changes listed (``changes_checked``).
    """
    if not _may_handle(by, job):
        raise PermissionDenied(_("You may not import these records."))
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    updates = job.counts.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    if updates and not changes_checked and job.status in (S.READY, S.HAS_ERRORS):
        raise ValidationError(
            ngettext(
                "Nothing was imported: this file changes %(n)d saved record. Check the change listed "
                "and tick “I have checked the changes above”.",
                "Nothing was imported: this file changes %(n)d saved records. Check the changes listed "
                "and tick “I have checked the changes above”.",
                updates,
            )
            % {"n": updates}
        )
    if job.status == S.HAS_ERRORS:
        if not skip_bad_rows:
            raise ValidationError(
                _("Some rows have errors: correct the file, or confirm that only the good rows go in.")
            )
        if job.good_row_count == 0:
            raise ValidationError(_("No row of this file can be imported."))
    elif job.status != S.READY:
        raise ValidationError(
            _("This import cannot be started now (it is “%(status)s”).") % {"status": job.get_status_display()}
        )
    job.status = S.IMPORTING
    job.skip_bad_rows = skip_bad_rows and bool(job.bad_rows)
    job.confirmed_by = by
    job.confirmed_at = timezone.now()
    job.processed_rows = 0
    job.save(update_fields=["status", "skip_bad_rows", "confirmed_by", "confirmed_at", "processed_rows"])
    from .tasks import import_job_run_task

    transaction.on_commit(lambda: import_job_run_task.delay(job.pk))
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob, by: User) -> ImportJob:
    if not _may_handle(by, job):
        raise PermissionDenied(_("You may not import these records."))
    updated = ImportJob.objects.filter(pk=job.pk, status__in=[S.READY, S.HAS_ERRORS]).update(
        status=S.CANCELLED, finished_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This import can no longer be cancelled."))
    job.refresh_from_db()
    _discard_file(job)
    return job


def _discard_file(job: ImportJob) -> None:
    # The file holds members' personal data: keep it no longer than needed.
    if job.file:
        name = job.file.name
        transaction.on_commit(lambda: job.file.storage.delete(name))


def import_job_run(*, job_id: int) -> ImportJob:
    """Import the confirmed file in one transaction: every row or, on any error, none.

    The job row is locked for the whole import, so a second delivery of the
    task waits and then finds the job done. Progress goes to the cache (the
    transaction hides it from other connections until the end).
    """
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
            if job.status != S.IMPORTING:
                return job
            dataset = read_dataset(job)
            resource = RESOURCES[job.kind](
                user=job.created_by, note=_("Imported from %(file)s") % {"file": job.original_name}
            )
            resource.normalise_headers(dataset)
            lines = list(range(len(dataset)))
            if job.skip_bad_rows:
                skip = set(job.bad_rows)
                lines = [i for i in lines if i not in skip]
                kept = tablib.Dataset(headers=dataset.headers)
                for i in lines:
                    kept.append(dataset[i])
                dataset = kept
            counts: Counter = Counter()
            size = chunk_size()
            for start in range(0, len(dataset), size):
                try:
                    # No savepoint per row: the first error ends (and undoes) the whole import.
                    result = resource.import_data(
                        _slice(dataset, start, size), dry_run=False, use_transactions=False, raise_errors=True
                    )
                except RowImportError as exc:
                    line = lines[start + exc.number - 1] + FIRST_LINE
                    raise ValidationError(
                        _("Line %(line)d: %(error)s") % {"line": line, "error": _error_text(exc.error)}
                    ) from exc
                counts.update({kind: n for kind, n in result.totals.items() if n})
                cache.set(job.progress_key(), start + size, timeout=3600)
            job.status = S.DONE
            job.counts = {**job.counts, "imported": dict(counts)}
            job.processed_rows = len(dataset)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "counts", "processed_rows", "finished_at"])
            _discard_file(job)
    except Exception as exc:
        logger.warning("Import %s failed: %s", job_id, exc, exc_info=not isinstance(exc, ValidationError))
        _fail(job_id, _error_text(exc))
    cache.delete(f"members:import-job:{job_id}:progress")
    return ImportJob.objects.get(pk=job_id)


def import_counts_text(counts: dict) -> dict[str, int]:
    """Counts by what happens to the rows, with names the page can show."""
    return {
        "new": counts.get(RowResult.IMPORT_TYPE_NEW, 0),
        "update": counts.get(RowResult.IMPORT_TYPE_UPDATE, 0),
        "skip": counts.get(RowResult.IMPORT_TYPE_SKIP, 0),
    }
