import io
import re
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import imports
from members.models import DuesRecord, ImportJob, Member, MembershipEvent

S = ImportJob.Status
HEADER = "姓名,性别,出生日期,组织单位,工号,电话,会员号\n"


def csv_file(text: str, name="roster.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def upload(staff_client, django_capture_on_commit_callbacks):
    """Upload a file through the admin as ``user``; the check runs (eagerly) on commit."""

    def do(user, file, kind="members"):
        client = staff_client(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:members_importjob_add"), {"kind": kind, "file": file})
        job = ImportJob.objects.order_by("-pk").first()
        return response, job

    return do


@pytest.fixture
def confirm(staff_client, django_capture_on_commit_callbacks):
    def do(user, job, **data):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client(user).post(reverse("admin:members_importjob_confirm", args=[job.pk]), data)
        job.refresh_from_db()
        return response

    return do


def test_a_good_roster_is_checked_and_saved_only_when_the_officer_confirms(upload, confirm, officer, tree):
    text = HEADER + "张敏,女,1988-02-03,甲厂一车间,A-100,13900000001,\n刘伟,男,1975/7/9,甲厂工会,A-101,,\n"
    response, job = upload(officer, csv_file(text))
    assert response.status_code == 302
    assert job.status == S.READY and job.total_rows == 2 and job.counts == {"new": 2}
    assert not Member.objects.filter(name__in=["张敏", "刘伟"]).exists()

    confirm(officer, job)
    assert job.status == S.DONE
    zhang = Member.objects.get(name="张敏")
    assert zhang.status == Member.Status.ACTIVE and zhang.membership_number and zhang.unit == tree["branch_a"]
    assert zhang.union == tree["union_a"]
    assert MembershipEvent.objects.get(member=zhang).by == officer
    assert zhang.history.first().history_user == officer
    assert zhang.history.earliest().membership_number == zhang.membership_number
    assert not job.file.storage.exists(job.file.name)  # the personal data in the file is not kept


def test_the_check_page_shows_a_preview_of_the_rows(upload, staff_client, officer, tree):
    _, job = upload(officer, csv_file(HEADER + "张敏,女,1988-02-03,甲厂一车间,A-100,,\n"))
    page = staff_client(officer).get(reverse("admin:members_importjob_change", args=[job.pk])).content.decode()
    assert "张敏" in page and "新增" in page and "导入全部 1 行" in page


def test_rows_with_errors_are_listed_by_line_and_nothing_is_saved(upload, confirm, officer, tree):
    text = (
        HEADER
        + "张敏,女,1988-02-03,甲厂一车间,A-100,,\n"
        + "刘伟,未知,1975-07-09,甲厂一车间,A-101,,\n"
        + "赵刚,男,不是日期,乙厂一车间,A-102,,\n"
    )
    _, job = upload(officer, csv_file(text))
    assert job.status == S.HAS_ERRORS
    assert [e["line"] for e in job.errors] == [3, 4]
    assert "性别" in " ".join(job.errors[0]["messages"])
    problems = " ".join(job.errors[1]["messages"])
    assert "出生日期" in problems and "乙厂一车间" in problems
    assert not Member.objects.filter(name="张敏").exists()

    response = confirm(officer, job)  # without saying "only the good rows"
    assert job.status == S.HAS_ERRORS
    assert not Member.objects.filter(name="张敏").exists()

    confirm(officer, job, skip_bad_rows="on")
    assert job.status == S.DONE
    assert list(Member.objects.filter(name__in=["张敏", "刘伟", "赵刚"]).values_list("name", flat=True)) == ["张敏"]
    assert response.status_code == 302


def test_a_known_member_is_updated_and_keeps_their_status_and_number(upload, confirm, officer, worker):
    text = (
        "membership_number,name,gender,date_of_birth,unit,phone,status\n"
        f"{worker.membership_number},李娟,F,1990-05-01,甲厂一车间,13911112222,withdrawn\n"
    )
    _, job = upload(officer, csv_file(text))
    assert job.counts == {"update": 1}
    confirm(officer, job, changes_checked="on")
    worker.refresh_from_db()
    assert worker.phone == "+8613911112222" and worker.status == Member.Status.ACTIVE  # stored in E.164
    assert Member.objects.filter(name="李娟").count() == 1


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_row_that_renames_a_member_shows_old_and_new_and_waits_for_the_tick(
    upload, confirm, staff_client, officer, worker, other_worker
):
    worker.employee_number = "A-7"
    worker.save()
    text = (
        "会员号,姓名,性别,出生日期,组织单位,工号,电话\n"
        f",张新,女,{worker.date_of_birth:%Y-%m-%d},甲厂一车间,A-7,13911112222\n"
        f"{other_worker.membership_number},{other_worker.name},{other_worker.get_gender_display()},"
        f"{other_worker.date_of_birth:%Y-%m-%d},甲厂一车间,{other_worker.employee_number},{other_worker.phone}\n"
        ",陈东,男,1970-01-01,甲厂一车间,A-8,\n"
    )
    _, job = upload(officer, csv_file(text))
    assert job.status == S.READY, job.errors
    page = _text(staff_client(officer).get(reverse("admin:members_importjob_change", args=[job.pk])).content.decode())
    assert "李娟 → 张新" in page, page
    assert "— → +8613911112222" in page  # a phone number added where there was none
    assert "我已核对以上更改" in page
    assert "3 无变化 GH" in page and "4 新增 陈东" in page  # 王芳 unchanged, 陈东 new

    response = confirm(officer, job)  # no tick
    assert job.status == S.READY
    worker.refresh_from_db()
    assert worker.name == "李娟" and not Member.objects.filter(name="陈东").exists()
    message = _text(staff_client(officer).get(response.url).content.decode())
    assert "未导入任何数据" in message and "我已核对以上更改" in message

    confirm(officer, job, changes_checked="on")
    assert job.status == S.DONE
    worker.refresh_from_db()
    assert worker.name == "张新" and Member.objects.filter(name="陈东").exists()


def test_the_same_member_twice_in_a_file_is_an_error(upload, officer, tree):
    text = HEADER + "张敏,女,1988-02-03,甲厂一车间,A-100,,\n张敏,女,1988-02-03,甲厂一车间,A-100,,\n"
    _, job = upload(officer, csv_file(text))
    assert [e["line"] for e in job.errors] == [3]


def test_a_member_of_another_union_cannot_be_changed_by_file(upload, officer, outsider):
    text = f"会员号,姓名,性别,出生日期,组织单位\n{outsider.membership_number},赵磊,男,1980-01-01,甲厂一车间\n"
    _, job = upload(officer, csv_file(text))
    assert job.status == S.HAS_ERRORS
    assert "范围以外" in " ".join(job.errors[0]["messages"])


def test_an_excel_workbook_is_imported(upload, confirm, officer, tree):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别", "出生日期", "所在单位", "是否退休", "备注"])
    sheet.append(["陈静", "女", date(1960, 10, 1), "甲厂一车间", "是", "老会员"])
    sheet.append([None, None, None, None, None, None])  # an empty line at the end
    data = io.BytesIO()
    book.save(data)
    _, job = upload(officer, SimpleUploadedFile("名册.xlsx", data.getvalue()))
    assert job.status == S.READY, job.errors or job.failure
    assert job.total_rows == 1 and job.preview["ignored"] == ["备注"]
    confirm(officer, job)
    assert Member.objects.get(name="陈静").retired is True


def test_a_csv_saved_by_chinese_excel_in_gbk_is_read(upload, officer, tree):
    _, job = upload(officer, csv_file(HEADER + "张敏,女,1988-02-03,甲厂一车间,,,\n", encoding="gb18030"))
    assert job.status == S.READY


def test_a_file_missing_a_required_column_fails_with_a_clear_reason(upload, officer, tree):
    _, job = upload(officer, csv_file("姓名,性别\n张敏,女\n"))
    assert job.status == S.FAILED
    assert "出生日期" in job.failure and "组织单位" in job.failure


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("roster.txt", b"name\n"),
        SimpleUploadedFile("roster.xlsx", b"not a workbook"),
        SimpleUploadedFile("roster.csv", b"\x00\x01\x02\x03binary"),
    ],
    ids=["wrong-extension", "fake-xlsx", "binary-csv"],
)
def test_a_file_of_the_wrong_kind_is_refused_on_the_page(upload, officer, tree, file):
    response, job = upload(officer, file)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert job is None


def test_a_damaged_workbook_fails_the_job_without_a_server_error(upload, officer, tree):
    _, job = upload(officer, SimpleUploadedFile("roster.xlsx", b"PK\x03\x04 broken zip"))
    assert job.status == S.FAILED and job.failure


def test_dues_are_imported_and_a_second_import_of_a_month_updates_it(upload, confirm, officer, worker, other_worker):
    text = (
        "会员号,所属月份,金额,缴纳日期\n"
        f"{worker.membership_number},2026-03,25.50,2026-03-10\n"
        f"{other_worker.membership_number},2026年3月,30,\n"
    )
    _, job = upload(officer, csv_file(text, "dues.csv"), kind="dues")
    assert job.status == S.READY, job.errors
    confirm(officer, job)
    assert DuesRecord.objects.filter(period__year=2026, period__month=3).count() == 2

    _, again = upload(
        officer, csv_file(f"会员号,所属月份,金额\n{worker.membership_number},2026-03,26\n", "d.csv"), "dues"
    )
    assert again.counts == {"update": 1}
    confirm(officer, again, changes_checked="on")
    assert str(DuesRecord.objects.get(member=worker).amount) == "26.00"


def test_dues_of_a_member_outside_the_officers_unions_are_refused(upload, officer, outsider):
    _, job = upload(officer, csv_file(f"会员号,所属月份,金额\n{outsider.membership_number},2026-03,20\n"), "dues")
    assert job.status == S.HAS_ERRORS and job.good_row_count == 0


def test_the_import_is_all_or_nothing(upload, confirm, officer, tree, settings):
    settings.IMPORT_CHUNK_SIZE = 5
    rows = "".join(f"会员{i},女,1990-01-01,甲厂一车间,B-{i:03d},,\n" for i in range(11))
    rows += "会员11,女,1990-01-01,甲厂工会,B-011,,\n"
    _, job = upload(officer, csv_file(HEADER + rows))
    assert job.status == S.READY
    # Between the check and the import the unit of the last row is renamed: that row now fails,
    # after two chunks of the file were written.
    tree["union_a"].name = "甲厂总工会"
    tree["union_a"].save()
    confirm(officer, job)
    assert job.status == S.FAILED and "第 13 行" in job.failure
    assert not Member.objects.filter(name__startswith="会员").exists()


def test_progress_is_reported_chunk_by_chunk(upload, confirm, officer, tree, settings, monkeypatch):
    settings.IMPORT_CHUNK_SIZE = 10
    seen = []
    real_set = imports.cache.set
    monkeypatch.setattr(imports.cache, "set", lambda key, value, **kw: (seen.append(value), real_set(key, value, **kw)))
    rows = "".join(f"会员{i},女,1990-01-01,甲厂一车间,C-{i:03d},,\n" for i in range(25))
    _, job = upload(officer, csv_file(HEADER + rows))
    assert job.processed_rows == 25
    confirm(officer, job)
    assert seen == [10, 20, 30]
    assert job.status == S.DONE and job.progress_percent == 100


def test_a_running_import_shows_its_progress_and_refreshes(staff_client, officer, upload, tree):
    _, job = upload(officer, csv_file(HEADER + "张敏,女,1988-02-03,甲厂一车间,,,\n" * 1))
    ImportJob.objects.filter(pk=job.pk).update(status=S.IMPORTING, total_rows=200)
    imports.cache.set(job.progress_key(), 50)
    page = staff_client(officer).get(reverse("admin:members_importjob_change", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="25"' in page


def test_another_unions_officer_cannot_see_or_confirm_the_import(upload, staff_client, officer, sibling_officer, tree):
    _, job = upload(officer, csv_file(HEADER + "张敏,女,1988-02-03,甲厂一车间,,,\n"))
    client = staff_client(sibling_officer)
    assert client.get(reverse("admin:members_importjob_change", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:members_importjob_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == S.READY


def test_a_cancelled_import_saves_nothing_and_drops_the_file(
    upload, staff_client, officer, tree, django_capture_on_commit_callbacks
):
    _, job = upload(officer, csv_file(HEADER + "张敏,女,1988-02-03,甲厂一车间,,,\n"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client(officer).post(reverse("admin:members_importjob_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == S.CANCELLED and not job.file.storage.exists(job.file.name)
    assert not Member.objects.filter(name="张敏").exists()


def test_a_negative_dues_amount_is_shown_on_its_row_and_the_rest_imports(
    upload, confirm, officer, worker, other_worker
):
    text = f"会员号,所属月份,金额\n{worker.membership_number},2026-03,-5\n{other_worker.membership_number},2026-03,30\n"
    _, job = upload(officer, csv_file(text, "dues.csv"), kind="dues")
    assert job.status == S.HAS_ERRORS
    assert [e["line"] for e in job.errors] == [2]
    assert "会费金额不能为负数" in " ".join(job.errors[0]["messages"])

    confirm(officer, job, skip_bad_rows="on")
    assert job.status == S.DONE, job.failure
    assert list(DuesRecord.objects.values_list("member", "amount")) == [(other_worker.pk, 30)]
