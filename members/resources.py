"""Rows of member rosters and dues records, in and out of CSV and Excel.

Built on django-import-export's resources: each row is checked field by field
and then as a whole model instance (``full_clean``), so an import reports
every bad row with its reasons. Everything an officer imports or exports
stays inside their part of the organisation tree.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from lib.phones import phone_normalise

from .models import DuesRecord, Member, MembershipEvent, OrgUnit
from .scoping import scope_queryset, user_may_see_unit
from .services import membership_number_for

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header_key(text) -> str:
    return "".join(str(text or "").split()).lower().replace("_", "").replace("-", "")


class ScopedResource(resources.ModelResource):
    """A resource working for one officer (``user``), with headers in either language.

    ``COLUMNS`` lists (field name, label); a file may head its columns with the
    field name, the English label or its translation.
    """

    COLUMNS: list[tuple[str, object]] = []
    REQUIRED: list[str] = []
    # Other headings offices commonly use for a column.
    ALIASES: dict[str, list[str]] = {}

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.seen_keys: set = set()
        # While checking a file, rows are validated but never saved (not even in a
        # transaction rolled back afterwards: that would cost a few queries a row).
        self.checking = False

    def do_instance_save(self, instance, is_create):
        if not self.checking:
            super().do_instance_save(instance, is_create)

    # --- headers ---------------------------------------------------------
    @classmethod
    def header_aliases(cls) -> dict[str, str]:
        from django.utils import translation

        aliases = {}
        for name, label in cls.COLUMNS:
            aliases[header_key(name)] = name
            with translation.override("en"):
                aliases[header_key(str(label))] = name
            for language in ("zh-hans",):
                with translation.override(language):
                    aliases[header_key(str(label))] = name
        for name, others in cls.ALIASES.items():
            for other in others:
                aliases[header_key(other)] = name
        return aliases

    def ignored_headers(self, dataset) -> list[str]:
        known = {name for name, _label in self.COLUMNS}
        return [str(h) for h in dataset.headers if h not in known]

    def normalise_headers(self, dataset) -> None:
        aliases = self.header_aliases()
        dataset.headers = [aliases.get(header_key(h), str(h or "").strip()) for h in dataset.headers]

    def before_import(self, dataset, **kwargs):
        missing = [str(label) for name, label in self.COLUMNS if name in self.REQUIRED and name not in dataset.headers]
        if missing:
            raise ValidationError(_("The file lacks the columns: %(columns)s.") % {"columns": "、".join(missing)})

    # --- export ----------------------------------------------------------
    def get_export_headers(self, selected_fields=None):
        labels = dict(self.COLUMNS)
        return [str(labels.get(f.column_name, f.column_name)) for f in self.get_export_fields(selected_fields)]

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        # A cell starting with "=" would be run as a formula by a spreadsheet.
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return "'" + value
        return value

    def row_changes(self, original, instance) -> list[dict]:
        """What an update row changes: each written field's name with its old and new value as shown."""
        changes = []
        for field in self.get_import_fields():
            if field.readonly or not field.attribute:
                continue
            old, new = field.export(original), field.export(instance)
            if old != new:
                changes.append({"field": field.column_name, "old": str(old or ""), "new": str(new or "")})
        return changes

    def duplicate_in_file(self, key) -> bool:
        if key in self.seen_keys:
            return True
        self.seen_keys.add(key)
        return False


class PhoneWidget(widgets.Widget):
    """A mobile number as people type it in a sheet (138 1111 2222, +852…, a number cell), stored in E.164."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]  # a spreadsheet's number cell
        if not text:
            return ""
        try:
            return phone_normalise(text)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None


class ChoiceWidget(widgets.Widget):
    """A choice given by its value or by its label in either language."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        from django.utils import translation

        text = header_key(value)
        if not text:
            return ""
        for choice, label in self.choices:
            names = {header_key(choice)}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    names.add(header_key(str(label)))
            if text in names:
                return choice
        raise ValueError(_("“%(value)s” is not one of the choices.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


GENDER_CHOICES = [*Member.Gender.choices, ("F", "女"), ("M", "男"), ("F", "f"), ("M", "m")]


class YesNoWidget(widgets.Widget):
    YES = {"1", "true", "yes", "y", "是", "已退休", "退休"}
    NO = {"", "0", "false", "no", "n", "否", "在职"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = header_key(value)
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write yes or no (是 / 否)."))

    def render(self, value, obj=None, **kwargs):
        return _("yes") if value else _("no")


class LenientDateWidget(widgets.Widget):
    """Dates as written in Chinese offices: 1990-05-01, 1990/5/1, 1990.5.1, 19900501, or an Excel date."""

    FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"]

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time zone)
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as 1990-05-01.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MonthWidget(LenientDateWidget):
    """A month: 2026-03, 2026/3, 2026年3月 or any date in it (stored as its first day)."""

    FORMATS = ["%Y-%m", "%Y/%m", "%Y.%m", "%Y%m", "%Y年%m月", *LenientDateWidget.FORMATS]

    def clean(self, value, row=None, **kwargs):
        day = super().clean(value, row, **kwargs)
        return day.replace(day=1) if day else None

    def render(self, value, obj=None, **kwargs):
        return f"{value:%Y-%m}" if value else ""


class UnitWidget(widgets.Widget):
    """A unit by its name, among the units the officer may see."""

    def __init__(self, resource, **kwargs):
        super().__init__(**kwargs)
        self.resource = resource
        self._units: dict[str, list[OrgUnit]] | None = None

    def units(self) -> dict[str, list[OrgUnit]]:
        if self._units is None:
            self._units = {}
            for unit in scope_queryset(OrgUnit.objects.all(), self.resource.user, field=""):
                self._units.setdefault(header_key(unit.name), []).append(unit)
        return self._units

    def clean(self, value, row=None, **kwargs):
        text = header_key(value)
        if not text:
            return None
        found = self.units().get(text, [])
        if not found:
            raise ValueError(_("There is no unit “%(name)s” in your part of the union.") % {"name": value})
        if len(found) > 1:
            raise ValueError(_("More than one unit is called “%(name)s”.") % {"name": value})
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class MemberResource(ScopedResource):
    """The member roster: one row per member, matched by membership or employee number.

    A new row becomes an active member (the roster lists people who are
    members already); a known member's profile is updated, never their status.
    """

    COLUMNS = [
        ("membership_number", gettext_lazy("membership number")),
        ("name", gettext_lazy("name")),
        ("gender", gettext_lazy("gender")),
        ("date_of_birth", gettext_lazy("date of birth")),
        ("unit", gettext_lazy("organisational unit")),
        ("employee_number", gettext_lazy("employee number")),
        ("job_title", gettext_lazy("job title")),
        ("phone", gettext_lazy("phone")),
        ("email", gettext_lazy("e-mail address")),
        ("retired", gettext_lazy("retired")),
        ("joined_on", gettext_lazy("joined on")),
        ("status", gettext_lazy("membership status")),
    ]
    REQUIRED = ["name", "gender", "date_of_birth", "unit"]
    ALIASES = {
        "membership_number": ["会员编号", "会员证号"],
        "unit": ["单位", "所在单位", "所属单位", "部门"],
        "employee_number": ["职工号", "员工号", "员工编号"],
        "job_title": ["职务", "岗位名称"],
        "phone": ["手机", "手机号", "手机号码", "联系电话"],
        "email": ["邮箱", "电子邮件"],
        "retired": ["是否退休"],
        "joined_on": ["入会时间"],
    }
    UPDATABLE = {"name", "gender", "date_of_birth", "unit", "employee_number", "job_title", "phone", "email", "retired"}

    membership_number = fields.Field(attribute="membership_number", column_name="membership_number")
    name = fields.Field(attribute="name", column_name="name")
    gender = fields.Field(attribute="gender", column_name="gender", widget=ChoiceWidget(GENDER_CHOICES))
    date_of_birth = fields.Field(attribute="date_of_birth", column_name="date_of_birth", widget=LenientDateWidget())
    employee_number = fields.Field(attribute="employee_number", column_name="employee_number")
    job_title = fields.Field(attribute="job_title", column_name="job_title")
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    email = fields.Field(attribute="email", column_name="email")
    retired = fields.Field(attribute="retired", column_name="retired", widget=YesNoWidget())
    joined_on = fields.Field(attribute="joined_on", column_name="joined_on", widget=LenientDateWidget())
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(Member.Status.choices), readonly=True
    )

    class Meta:
        model = Member
        fields = [
            "membership_number",
            "name",
            "gender",
            "date_of_birth",
            "unit",
            "employee_number",
            "job_title",
            "phone",
            "email",
            "retired",
            "joined_on",
            "status",
        ]
        import_id_fields = []
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True

    def __init__(self, *, user=None, note: str = "", **kwargs):
        self.note = note
        super().__init__(user=user, **kwargs)
        self.fields["unit"] = fields.Field(attribute="unit", column_name="unit", widget=UnitWidget(self))
        self._unions: dict[int, OrgUnit] = {}
        self._by_number: dict[str, Member] = {}
        self._by_employee: dict[str, list[Member]] = {}
        self._events: list[MembershipEvent] = []
        self._to_number: list[Member] = []

    def get_queryset(self):
        return scope_queryset(Member.objects.select_related("unit"), self.user)

    def filter_export(self, queryset, **kwargs):
        return scope_queryset(queryset, self.user)

    def before_import(self, dataset, **kwargs):
        """Read every member the chunk's rows name in two queries, not a few per row."""
        super().before_import(dataset, **kwargs)
        numbers = _column_values(dataset, "membership_number")
        employees = _column_values(dataset, "employee_number")
        self._by_number = {
            m.membership_number: m for m in Member.objects.filter(membership_number__in=numbers).select_related("unit")
        }
        self._by_employee: dict[str, list[Member]] = {}
        for m in Member.objects.filter(employee_number__in=employees).select_related("unit"):
            self._by_employee.setdefault(m.employee_number, []).append(m)

    def _in_scope(self, member: Member) -> bool:
        return user_may_see_unit(self.user, member.unit)

    def get_instance(self, instance_loader, row):
        number = str(row.get("membership_number") or "").strip()
        employee = str(row.get("employee_number") or "").strip()
        if number:
            found = self._by_number.get(number)
            if found is not None and not self._in_scope(found):
                raise ValidationError(
                    {"membership_number": _("This membership number belongs to a member outside your unit.")}
                )
            return found
        if employee:
            found = [m for m in self._by_employee.get(employee, []) if self._in_scope(m)]
            if len(found) > 1:
                raise ValidationError(
                    {"employee_number": _("Several members have this employee number; add the membership number.")}
                )
            return found[0] if found else None
        return None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A known member's status and number are changed by officers on their page, not by a file.
        if instance.pk and field.attribute not in self.UPDATABLE:
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if instance.unit_id and "unit" not in errors:
            instance.union = self._union_of(instance.unit)
        instance._imported_new = instance.pk is None
        if instance.pk is None:
            instance.status = Member.Status.ACTIVE
            instance.joined_on = instance.joined_on or timezone.localdate()
            if instance.membership_number == "":
                instance.membership_number = None
        for field, message in self._conflicts(instance):
            errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def _conflicts(self, instance):
        """Numbers taken by another member, in the database or earlier in the file."""
        if instance.membership_number:
            other = self._by_number.get(instance.membership_number)
            if other is not None and other.pk != instance.pk:
                yield "membership_number", _("This membership number is used by another member.")
            elif self.duplicate_in_file(("number", instance.membership_number)):
                yield "__all__", _("This member appears twice in the file.")
        if instance.employee_number and instance.union_id:
            others = self._by_employee.get(instance.employee_number, [])
            if any(m.union_id == instance.union_id and m.pk != instance.pk for m in others):
                yield "employee_number", _("Another member of this union has this employee number.")
            elif self.duplicate_in_file(("employee", instance.union_id, instance.employee_number)):
                yield "__all__", _("This member appears twice in the file.")

    def _union_of(self, unit: OrgUnit) -> OrgUnit:
        if unit.pk not in self._unions:
            self._unions[unit.pk] = unit.grassroots_union
        return self._unions[unit.pk]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Unique numbers were checked above against the members read for the chunk; the
        # database constraints still stand guard when the rows are saved.
        errors = dict(import_validation_errors or {})
        try:
            # The unit came from the officer's own units and the union follows it: no need
            # to look either up again.
            instance.full_clean(
                exclude=[*errors.keys(), "card_token", "unit", "union"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = self.note

    def after_save_instance(self, instance, row, **kwargs):
        if self.checking or not getattr(instance, "_imported_new", False):
            return
        if instance.membership_number is None:
            self._to_number.append(instance)
        self._events.append(
            MembershipEvent(
                member=instance,
                from_state=Member.Status.REGISTERED,
                to_state=Member.Status.ACTIVE,
                by=self.user,
                note=self.note,
            )
        )

    def after_import(self, dataset, result, **kwargs):
        # A few queries per chunk, not per row: the new members' "joined" records,
        # and numbers for those the file gave none (made from the new row's id).
        if self._events:
            MembershipEvent.objects.bulk_create(self._events)
            self._events = []
        if self._to_number:
            numbers = {m.pk: membership_number_for(m) for m in self._to_number}
            for member in self._to_number:
                member.membership_number = numbers[member.pk]
            Member.objects.bulk_update(self._to_number, ["membership_number"])
            history = Member.history.model
            records = list(history.objects.filter(id__in=numbers, history_type="+"))
            for record in records:
                record.membership_number = numbers[record.id]
            history.objects.bulk_update(records, ["membership_number"])
            self._to_number = []

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)


class DuesResource(ScopedResource):
    """Dues records: one row per member and month; a second import of a month updates it."""

    COLUMNS = [
        ("membership_number", gettext_lazy("membership number")),
        ("employee_number", gettext_lazy("employee number")),
        ("name", gettext_lazy("name")),
        ("period", gettext_lazy("period")),
        ("amount", gettext_lazy("amount")),
        ("paid_on", gettext_lazy("paid on")),
        ("note", gettext_lazy("note")),
    ]
    REQUIRED = ["period", "amount"]
    ALIASES = {
        "membership_number": ["会员编号", "会员证号"],
        "employee_number": ["职工号", "员工号", "员工编号"],
        "period": ["月份", "缴费月份", "会费月份"],
        "amount": ["会费", "缴费金额", "会费金额"],
        "paid_on": ["缴费日期", "缴纳时间"],
    }

    membership_number = fields.Field(
        attribute="member__membership_number", column_name="membership_number", readonly=True
    )
    employee_number = fields.Field(attribute="member__employee_number", column_name="employee_number", readonly=True)
    name = fields.Field(attribute="member__name", column_name="name", readonly=True)
    period = fields.Field(attribute="period", column_name="period", widget=MonthWidget())
    amount = fields.Field(attribute="amount", column_name="amount", widget=widgets.DecimalWidget())
    paid_on = fields.Field(attribute="paid_on", column_name="paid_on", widget=LenientDateWidget())
    note = fields.Field(attribute="note", column_name="note")

    class Meta:
        model = DuesRecord
        fields = ["membership_number", "employee_number", "name", "period", "amount", "paid_on", "note"]
        import_id_fields = []
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if "membership_number" not in dataset.headers and "employee_number" not in dataset.headers:
            raise ValidationError(_("The file needs a column with the membership number or the employee number."))
        # The chunk's members and their records of its months, in three queries.
        members = scope_queryset(Member.objects.all(), self.user)
        self._by_number = {
            m.membership_number: m
            for m in members.filter(membership_number__in=_column_values(dataset, "membership_number"))
        }
        self._by_employee: dict[str, list[Member]] = {}
        for m in members.filter(employee_number__in=_column_values(dataset, "employee_number")):
            self._by_employee.setdefault(m.employee_number, []).append(m)
        periods = set()
        for value in dataset["period"]:
            try:
                periods.add(MonthWidget().clean(value))
            except ValueError:
                continue
        member_ids = {m.pk for m in self._by_number.values()} | {
            m.pk for found in self._by_employee.values() for m in found
        }
        self._records = {
            (r.member_id, r.period): r
            for r in DuesRecord.objects.filter(member_id__in=member_ids, period__in=periods - {None})
        }

    def get_queryset(self):
        return scope_queryset(DuesRecord.objects.select_related("member"), self.user, "member__unit")

    def filter_export(self, queryset, **kwargs):
        return scope_queryset(queryset, self.user, "member__unit")

    def _member(self, row) -> Member:
        number = str(row.get("membership_number") or "").strip()
        employee = str(row.get("employee_number") or "").strip()
        if number:
            found = self._by_number.get(number)
        elif employee:
            matches = self._by_employee.get(employee, [])
            if len(matches) > 1:
                raise ValidationError(_("Several members have this employee number; add the membership number."))
            found = matches[0] if matches else None
        else:
            raise ValidationError(_("Give the membership number or the employee number."))
        if found is None:
            raise ValidationError(_("No member of your part of the union has this number."))
        return found

    def get_instance(self, instance_loader, row):
        member = self._member(row)
        try:
            period = MonthWidget().clean(row.get("period"))
        except ValueError:
            period = None
        self._row_member = member
        return self._records.get((member.pk, period)) if period else None

    def init_instance(self, row=None):
        return DuesRecord(member=self._row_member)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if instance.period and self.duplicate_in_file((instance.member_id, instance.period)):
            errors.setdefault("__all__", []).append(_("This member and month appear twice in the file."))
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # One record per member and month was checked above (records read for the chunk);
        # the model's check constraints (no negative amount) are checked here, so the
        # row shows its own reason instead of failing the whole file when it is saved.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors.keys(), "member"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for constraint in DuesRecord._meta.constraints:
            if isinstance(constraint, CheckConstraint) and "amount" not in errors:
                try:
                    constraint.validate(DuesRecord, instance)
                except ValidationError as exc:
                    errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _column_values(dataset, name: str) -> set[str]:
    if name not in dataset.headers:
        return set()
    return {str(v).strip() for v in dataset[name] if v not in (None, "")}


RESOURCES = {"members": MemberResource, "dues": DuesResource}
