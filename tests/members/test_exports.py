import csv
import io

from django.urls import reverse

from members.resources import MemberResource


def export(client, url_name, **fields):
    page = client.get(reverse(url_name))
    form = page.context["form"]
    data = {"format": "0", **{name: "on" for name in form.fields if name not in ("format", "resource", "export_items")}}
    data.update(fields)
    return client.post(reverse(url_name), data)


def test_an_officer_exports_the_members_of_their_unions_only(staff_client, officer, worker, other_worker, outsider):
    response = export(staff_client(officer), "admin:members_member_export")
    assert response.status_code == 200, response.context and response.context["form"].errors
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["会员号", "姓名", "性别"]
    names = {row[1] for row in rows[1:]}
    assert names == {worker.name, other_worker.name}


def test_the_export_never_holds_the_member_card_secret(staff_client, chair, worker):
    content = export(staff_client(chair), "admin:members_member_export").content.decode("utf-8-sig")
    assert worker.card_token not in content
    assert "card_token" not in {f.attribute for f in MemberResource().get_export_fields()}


def test_the_export_form_names_the_columns_in_chinese(staff_client, officer, worker):
    page = staff_client(officer).get(reverse("admin:members_member_export")).content.decode()
    assert "会员号" in page and "Membership Number" not in page


def test_an_officer_without_the_export_permission_cannot_export(staff_client, tree, worker):
    from django.contrib.auth.models import Permission

    from tests.factories import officer_user

    user = officer_user(unit=tree["union_a"], roles=())
    user.user_permissions.add(Permission.objects.get(codename="view_member"))
    client = staff_client(user)
    assert client.get(reverse("admin:members_member_export")).status_code == 403


def test_a_name_that_looks_like_a_formula_is_exported_as_text(staff_client, officer, worker):
    worker.name = "=1+1"
    worker.save()
    content = export(staff_client(officer), "admin:members_member_export").content.decode("utf-8-sig")
    assert "'=1+1" in content


def test_dues_export_stays_in_the_officers_unions(staff_client, officer, worker, outsider):
    from members.models import DuesRecord

    DuesRecord.objects.create(member=worker, period="2026-03-01", amount="25.00")
    DuesRecord.objects.create(member=outsider, period="2026-03-01", amount="30.00")
    content = export(staff_client(officer), "admin:members_duesrecord_export").content.decode("utf-8-sig")
    assert worker.membership_number in content and outsider.membership_number not in content
