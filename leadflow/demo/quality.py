"""The data gatekeeper's history in the demo company, consistent with the data it guards.

1. Payments the outlier rule held: 3.6–6.5× the customer's trailing three-month average, read
   from the rebuilt monthly aggregate exactly as the rule reads it. Five still wait for finance
   (one of rep1's flagship hospital, about 5×), three were approved (they count in their month),
   two rejected (kept, never counted); each has its "held" finding, and each decision its timeline
   entry and a notice to the rep.
2. Eight weeks of findings, fewer each week as reps learn the rules and more from the careless ones
   (the reps whose promises run late): first contacts typed on a weekend — refused, then corrected
   or confirmed (the confirmed customers do have a weekend first contact, met at a trade fair) —,
   first contacts typed after the first visit, stage jumps without evidence; from the web, the API,
   the mobile app and imports.
3. Two finished import jobs with their files and per-row reports: a rep's trade-fair lead list whose
   weekend dates were all refused, and finance's bank-statement import yesterday with one row held
   and one refused.

Rows are bulk-inserted with the rest (:mod:`leadflow.demo.rows`); a few dozen, at every scale.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from leadflow.attachments.models import Attachment
from leadflow.customers.models import Customer
from leadflow.demo import data
from leadflow.demo.company import FLAGSHIP_CUSTOMER
from leadflow.demo.files import store
from leadflow.demo.rows import Clock, Rows
from leadflow.gatekeeper.models import Rule, ViolationRecord
from leadflow.ingest.models import ImportJob
from leadflow.orders.aggregates import add_payment, month_of, trailing_average
from leadflow.orders.models import CustomerPaymentMonth, Payment
from leadflow.org.models import User
from leadflow.workcalendar.calendar import is_workday

if TYPE_CHECKING:
    from leadflow.demo.commitments import DealRef
    from leadflow.demo.generate import _Generator, _Rep

DAY = dt.timedelta(days=1)
WEEKS = 8
WEEK_WEIGHTS = (2.4, 2.0, 1.7, 1.4, 1.2, 1.0, 0.8, 0.6)  # oldest week first: the rules are learnt
HELD = {"pending": 5, "accepted": 3, "rejected": 2}
IMPORTED_PAYMENTS = 5
METHOD_NAMES = {"transfer": "银行转账", "acceptance": "银行承兑汇票"}
REFUSED = ViolationRecord.Outcome.REFUSED.value
CONFIRMED = ViolationRecord.Outcome.CONFIRMED.value


def _show(when: dt.datetime) -> str:
    """A date-time as the gate logs it (``kinds._display``)."""
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def _customer_path(source: str, pk: int | None = None) -> str:
    if source == "web":
        return f"/customers/{pk}/edit/" if pk else "/customers/new/"
    return f"/api/v1/customers/{pk}" if pk else "/api/v1/customers"


class QualityMaker:
    def __init__(self, gen: _Generator, rows: Rows) -> None:
        self.gen = gen
        self.rows = rows
        self.rng = gen.qrng
        self.now = gen.now
        self.clock = Clock(gen.qrng, gen.tz, gen.now)
        self.rules = {r.key: r for r in Rule.objects.filter(active=True)}
        self.reps = gen.reps
        self.by_id = {r.user.pk: r for r in gen.reps}
        habits = getattr(gen, "habits", {}) or {r.user.pk: 0.8 for r in gen.reps}
        # The reps who let promises slip are the ones who type dates carelessly.
        self.care = [(1.05 - habits.get(r.user.pk, 0.8)) ** 1.5 + 0.03 for r in gen.reps]
        self.finance = User.objects.get(username=data.FINANCE[0][0].username)

    def run(self) -> None:
        self._held_payments()
        self._weekend_customers()
        self._weekend_refusals()
        self._visit_order_refusals()
        self._stage_jumps()

    # -- helpers -------------------------------------------------------------------------------

    def _weeks(self, n: int) -> list[int]:
        """``n`` week numbers (0 = the oldest of the eight) in the proportions of WEEK_WEIGHTS,
        shuffled: a trend that shows even with a few dozen findings."""
        total = sum(WEEK_WEIGHTS)
        weeks: list[int] = []
        for week, weight in enumerate(WEEK_WEIGHTS):
            weeks += [week] * round(n * weight / total)
        while len(weeks) < n:
            weeks.append(self.rng.randrange(WEEKS))
        self.rng.shuffle(weeks)
        return weeks[:n]

    def _when(self, week: int | None = None) -> dt.datetime:
        """A time in office hours within the last eight weeks, more often in the older weeks."""
        if week is None:
            week = self.rng.choices(range(WEEKS), WEEK_WEIGHTS)[0]
        monday = (
            self.gen.today
            - dt.timedelta(days=self.gen.today.weekday())
            - dt.timedelta(weeks=WEEKS - 1 - week)
        )
        for _attempt in range(10):
            day = self.clock.workday(monday + dt.timedelta(days=self.rng.randrange(5)))
            at = self.clock.between_hours(day, 9, 18)
            if at < self.now:
                return at
        return self.clock.between_hours(self.clock.workday(self.gen.today - DAY, forward=False), 9, 18)

    def _careless(self) -> _Rep:
        return self.rng.choices(self.reps, self.care)[0]

    def _source(self, weights: tuple[tuple[str, float], ...]) -> str:
        names, w = zip(*weights, strict=True)
        return self.rng.choices(names, w)[0]

    def _finding(
        self,
        rule: Rule,
        *,
        at: dt.datetime,
        actor_id: int | None,
        owner_id: int | None,
        source: str,
        path: str,
        entity: str,
        action: str,
        object_id: int | None,
        field: str,
        value: str,
        outcome: str,
    ) -> None:
        self.rows.add(
            ViolationRecord,
            at=at,
            actor_id=actor_id,
            owner_id=owner_id,
            source=source,
            path=path[:200],
            rule_id=rule.pk,
            rule_key=rule.key,
            entity=entity,
            action=action,
            object_id=str(object_id or ""),
            field=field,
            value=value[:200],
            severity=rule.severity,
            outcome=outcome,
            message=str(rule.message)[:300],
        )

    def _import_job(
        self,
        *,
        kind: str,
        by: User,
        at: dt.datetime,
        name: str,
        header: list[str],
        lines: list[list[str]],
        report: list[dict[str, Any]],
    ) -> int:
        """A finished import job with its CSV file (CSV, not Excel: the same rows give the same bytes)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(lines)
        stored = store(buffer.getvalue().encode("utf-8-sig"), "csv")
        file = self.rows.add(
            Attachment,
            kind="other",
            file=stored.path,
            original_name=name,
            content_type="text/csv",
            extension="csv",
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by_id=by.pk,
            uploaded_at=at - dt.timedelta(seconds=20),
            customer_id=None,
        )
        counts = {s: sum(1 for r in report if r["status"] == s) for s in ("created", "held", "refused")}
        job = self.rows.add(
            ImportJob,
            kind=kind,
            file_id=file["id"],
            created_by_id=by.pk,
            created_at=at - dt.timedelta(seconds=15),
            confirm=False,
            status=ImportJob.Status.DONE.value,
            total=len(report),
            processed=len(report),
            created_count=counts["created"],
            held_count=counts["held"],
            refused_count=counts["refused"],
            report=report,
            error="",
            finished_at=at + dt.timedelta(seconds=3),
        )
        return job["id"]

    # -- held payments -------------------------------------------------------------------------

    def _payers(self) -> list[tuple[int, int, str]]:
        """Active customers of the reps with two or more payments in the last three months, as
        (customer id, owner id, name), by id."""
        since = month_of(self.now - dt.timedelta(days=62))
        counts: dict[int, int] = {}
        for customer_id, n in CustomerPaymentMonth.objects.filter(month__gte=since).values_list(
            "customer_id", "count"
        ):
            counts[customer_id] = counts.get(customer_id, 0) + n
        often = sorted(pk for pk, n in counts.items() if n >= 2)
        out: list[tuple[int, int, str]] = []
        for start in range(0, len(often), 2000):
            out += Customer.objects.filter(
                pk__in=often[start : start + 2000], status="active", owner_id__in=list(self.by_id)
            ).values_list("pk", "owner_id", "name")
        return sorted(out)

    def _held_payments(self) -> None:
        rule = self.rules.get("payment-outlier")
        payers = self._payers()
        if rule is None or len(payers) < 4:
            return
        rng = self.rng
        flagship = [p for p in payers if p[2] == FLAGSHIP_CUSTOMER]
        south = [p for p in payers if self.by_id[p[1]].branch.region == "south"]
        others = [p for p in payers if p not in flagship]
        wanted = sum(HELD.values()) + IMPORTED_PAYMENTS
        chosen = flagship[:1] + rng.sample(others, min(len(others), wanted))
        if south and not any(p in south for p in chosen[:3]):
            chosen.insert(1, rng.choice([p for p in south if p not in chosen] or south))
        chosen = list(dict.fromkeys(chosen))
        # The bank-statement import of the last work day: five ordinary rows, one held, one refused.
        job_at = self.clock.between_hours(self.clock.workday(self.gen.today - DAY, forward=False), 15.5, 17.5)
        held_count = sum(HELD.values())
        imported = chosen[held_count : held_count + IMPORTED_PAYMENTS]
        held_import = chosen[1] if len(chosen) > 1 else None  # (华南's: its ERP is down)
        decisions: list[tuple[tuple[int, int, str], str]] = []
        for i, payer in enumerate(chosen[:held_count]):
            if i < HELD["pending"]:
                decisions.append((payer, "pending"))
            elif i < HELD["pending"] + HELD["accepted"]:
                decisions.append((payer, "accepted"))
            else:
                decisions.append((payer, "rejected"))
        report: list[dict[str, Any]] = []
        lines: list[list[str]] = []
        row_no = 2
        for payer, review in decisions:
            via_import = payer == held_import and review == "pending"
            if via_import:
                received = self.clock.between_hours(
                    self.clock.workday(job_at.date() - DAY, forward=False), 9, 17
                )
            elif review == "pending":
                received = self.clock.between_hours(
                    self.clock.workday(self.gen.today - dt.timedelta(days=rng.randint(1, 6)), forward=False),
                    9,
                    17,
                )
            else:  # decided in the weeks before, inside the log's eight weeks
                received = self._when(rng.randrange(WEEKS - 2))
            factor = (
                Decimal("5.0")
                if payer[2] == FLAGSHIP_CUSTOMER
                else Decimal(str(round(rng.uniform(3.6, 6.5), 1)))
            )
            pk = self._payment(
                payer, received, factor, review, rule, source="import" if via_import else None, job_at=job_at
            )
            if via_import and pk:
                lines.append(self._statement_line(payer[2], pk, received))
                report.append({"row": row_no, "status": "held", "id": pk})
                row_no += 1
        for payer in imported:
            received = self.clock.between_hours(self.clock.workday(job_at.date() - DAY, forward=False), 9, 17)
            factor = Decimal(str(round(rng.uniform(0.5, 1.5), 2)))
            pk = self._payment(payer, received, factor, "accepted", rule, source="import", job_at=job_at)
            if pk:
                lines.append(self._statement_line(payer[2], pk, received))
                report.append({"row": row_no, "status": "created", "id": pk})
                row_no += 1
        unknown = "温州" + rng.choice(self.gen.trades) + "医疗器械有限公司"
        lines.append(
            [unknown, "18600.00", _show(job_at - DAY), "银行转账", f"BK{rng.randrange(10**9, 10**10)}"]
        )
        message = _("No single customer matches “%(ref)s”.") % {"ref": unknown}
        report.append(
            {"row": row_no, "status": "refused", "errors": [{"field": "customer", "message": message}]}
        )
        job = self._import_job(
            kind=ImportJob.Kind.PAYMENTS.value,
            by=self.finance,
            at=job_at,
            name=f"银行回款明细-{timezone.localtime(job_at):%Y%m%d}.csv",
            header=["客户名称", "回款金额", "到账时间", "付款方式", "单号"],
            lines=lines,
            report=sorted(report, key=lambda r: r["row"]),
        )
        for record in self.rows.writer.buffers[ViolationRecord]:
            if record["source"] == "import" and record["path"] == "import":
                record["path"] = f"import #{job}"

    def _statement_line(self, customer: str, payment_id: int, received: dt.datetime) -> list[str]:
        row = next(r for r in self.rows.writer.buffers[Payment] if r["id"] == payment_id)
        return [
            customer,
            f"{row['amount']}",
            _show(received),
            METHOD_NAMES[row["method"]],
            row["external_id"] or "",
        ]

    def _payment(
        self,
        payer: tuple[int, int, str],
        received: dt.datetime,
        factor: Decimal,
        review: str,
        rule: Rule,
        *,
        source: str | None,
        job_at: dt.datetime,
    ) -> int | None:
        rng, rows = self.rng, self.rows
        customer_id, owner_id, name = payer
        average = trailing_average(customer_id, received, 3)
        if average is None:
            return None
        amount = (average * factor / 100).quantize(Decimal(1), rounding=ROUND_CEILING) * 100
        amount = amount.quantize(Decimal("0.01"))
        rep = self.by_id[owner_id]
        if source is None:
            east_erp = rep.branch.region != "south" or received < self.gen.erp_down_since
            # Sources that write every day (a rarely used one would turn the freshness board red).
            source = self._source((("erp", 3 if east_erp else 0), ("web", 2)))
        if source == "import":
            created, actor_id, path = job_at, self.finance.pk, "import"
        else:
            created = min(
                self.now - dt.timedelta(minutes=5), received + dt.timedelta(minutes=rng.randrange(10, 180))
            )
            # From the web the payment form posts to the API with the session (source "web").
            actor_id, path = (None if source == "erp" else owner_id), "/api/v1/payments"
        pk = self.rows.ids.take(Payment)
        held = factor >= 3
        reviewed_at = None
        comment = ""
        if held and review != "pending":
            reviewed_at = self.clock.office(created + dt.timedelta(hours=rng.uniform(2, 26)))
            if reviewed_at >= self.now:
                reviewed_at = self.now - dt.timedelta(hours=1)
            comment = rng.choice(data.REVIEW_APPROVED if review == "accepted" else data.REVIEW_REJECTED)
        if source == "erp":
            external_id = f"ERP-RCV-{pk:08d}"
        elif source == "import":
            external_id = f"BK{rng.randrange(10**9, 10**10)}"
        else:
            external_id = None
        method = "acceptance" if amount > 200_000 and rng.random() < 0.4 else "transfer"
        rows.add(
            Payment,
            id=pk,
            customer_id=customer_id,
            order_id=None,
            amount=amount,
            received_at=received,
            method=method,
            review_status=review,
            reviewed_by_id=rep.reviewer.pk if reviewed_at else None,
            reviewed_at=reviewed_at,
            review_comment=comment,
            source=source,
            external_id=external_id,
            created_at=created,
            updated_at=reviewed_at or created,
        )
        rows.activity(
            customer_id=customer_id,
            at=received,
            kind="payment",
            source=source,
            actor_id=actor_id,
            text=f"回款 ¥{amount:,.2f}（{METHOD_NAMES[method]}）",
            payload={"payment_id": pk, "amount": str(amount), "review": "pending" if held else review},
            recorded_at=created,
        )
        if review == "accepted":  # counts from now on, in the month it was received
            add_payment(Payment(customer_id=customer_id, amount=amount, received_at=received))
        if not held:
            return pk
        self._finding(
            rule,
            at=created,
            actor_id=actor_id,
            owner_id=owner_id,
            source=source,
            path=path,
            entity="payment",
            action="create",
            object_id=pk,
            field=rule.fields[0] if rule.fields else "amount",
            value=str(amount),
            outcome=ViolationRecord.Outcome.HELD.value,
        )
        if reviewed_at is not None:
            decision = _("approved") if review == "accepted" else _("rejected")
            rows.activity(
                customer_id=customer_id,
                at=reviewed_at,
                kind="payment",
                source="web",
                actor_id=rep.reviewer.pk,
                text=_("Finance %(decision)s the held payment of ¥%(amount)s%(comment)s")
                % {"decision": decision, "amount": amount, "comment": f": {comment}"},
                payload={"payment_id": pk, "review": review},
            )
            rows.notify(
                recipient_id=owner_id,
                kind="payment_reviewed",
                title=_("Payment of ¥%(amount)s from %(customer)s %(decision)s by finance")
                % {"amount": amount, "customer": name, "decision": decision},
                body=comment,
                url=f"/customers/{customer_id}/",
                dedupe_key=f"payment-review:{pk}",
                at=reviewed_at,
            )
        return pk

    # -- first contacts on a weekend -----------------------------------------------------------

    def _weekend_customers(self) -> None:
        """The customers met at a weekend trade fair: asked, then confirmed, as the rule wants."""
        rule = self.rules.get("first-contact-workday")
        if rule is None:
            return
        for customer_id, owner_id, first_contact, created in self.gen.weekend_firsts:
            source = self._source((("mobile", 3), ("web", 1)))
            common = dict(
                actor_id=owner_id,
                owner_id=owner_id,
                source=source,
                path=_customer_path(source),
                entity="customer",
                action="create",
                field="first_contact_at",
                value=_show(first_contact),
            )
            asked = created - dt.timedelta(seconds=self.rng.randrange(40, 240))
            self._finding(rule, at=asked, object_id=None, outcome=REFUSED, **common)
            self._finding(rule, at=created, object_id=customer_id, outcome=CONFIRMED, **common)

    def _weekend_refusals(self) -> None:
        """Weekend dates typed by mistake: refused, then corrected (no record kept of the typo).
        Four of them came in one import: a rep's trade-fair list, every row refused."""
        rule = self.rules.get("first-contact-workday")
        if rule is None:
            return
        rng = self.rng

        def weekend_before(at: dt.datetime) -> dt.datetime:
            day = timezone.localtime(at).date() - DAY
            while day.weekday() < 5 or is_workday(day):
                day -= DAY
            return self.clock.between_hours(day, 9, 18)

        for week in self._weeks(22):
            rep, at = self._careless(), self._when(week)
            source = self._source((("web", 5), ("mobile", 3), ("api", 1)))
            self._finding(
                rule,
                at=at,
                actor_id=rep.user.pk,
                owner_id=rep.user.pk,
                source=source,
                path=_customer_path(source),
                entity="customer",
                action="create",
                object_id=None,
                field="first_contact_at",
                value=_show(weekend_before(at)),
                outcome=REFUSED,
            )
        rep = next((r for r in self.reps if r.user.username == "rep3"), self.reps[0])
        at = self._when(self.rng.randrange(3))  # early on, before the rule was known
        fair = weekend_before(at)
        city = data.CITIES[rep.branch.territory[0]].city.removesuffix("市")
        header = ["客户名称", "电话", "负责人", "来源", "首次接触时间"]
        lines, report = [], []
        for row_no in range(2, 6):
            met = fair + dt.timedelta(minutes=rng.randrange(5, 240))
            name = f"{city}{rng.choice(self.gen.trades)}{rng.choice(('五金店', '建材商行', '医疗器械经营部', '大药房'))}"
            lines.append([name, rng.choice(data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}", rep.user.username,
                          "展会", _show(met)])  # fmt: skip
            violation = {
                "rule": rule.key,
                "field": "first_contact_at",
                "severity": rule.severity,
                "message": str(rule.message),
            }
            report.append(
                {
                    "row": row_no,
                    "status": "refused",
                    "errors": [{"field": "first_contact_at", "message": str(rule.message)}],
                    "violations": [violation],
                }
            )
            self._finding(
                rule,
                at=at + dt.timedelta(seconds=row_no),
                actor_id=rep.user.pk,
                owner_id=rep.user.pk,
                source="import",
                path="import",
                entity="customer",
                action="create",
                object_id=None,
                field="first_contact_at",
                value=_show(met),
                outcome=REFUSED,
            )
        job = self._import_job(
            kind=ImportJob.Kind.CUSTOMERS.value,
            by=rep.user,
            at=at,
            name=f"展会客户名单-{fair:%Y%m%d}.csv",
            header=header,
            lines=lines,
            report=report,
        )
        for record in self.rows.writer.buffers[ViolationRecord]:
            if record["path"] == "import":
                record["path"] = f"import #{job}"

    # -- first contact after the first visit ---------------------------------------------------

    def _visit_order_refusals(self) -> None:
        rule = self.rules.get("first-contact-before-visit")
        if rule is None:
            return
        since = self.now - dt.timedelta(weeks=WEEKS)
        visited = list(
            Customer.objects.filter(first_visit_at__gte=since, owner_id__in=list(self.by_id))
            .order_by("pk")
            .values_list("pk", "owner_id", "first_visit_at")[:400]
        )
        for customer_id, owner_id, first_visit in self.rng.sample(visited, min(7, len(visited))):
            at = self.clock.office(self.clock.between(first_visit, self.now - dt.timedelta(hours=2)))
            if at >= self.now:
                continue
            typed = first_visit + dt.timedelta(
                days=self.rng.randint(1, 20), minutes=self.rng.randrange(-300, 300)
            )
            source = self._source((("web", 3), ("api", 1), ("mobile", 1)))
            self._finding(
                rule,
                at=at,
                actor_id=owner_id,
                owner_id=owner_id,
                source=source,
                path=_customer_path(source, customer_id),
                entity="customer",
                action="update",
                object_id=customer_id,
                field="first_contact_at",
                value=_show(typed),
                outcome=REFUSED,
            )

    # -- stage jumps ---------------------------------------------------------------------------

    def _stage_jumps(self) -> None:
        rule = self.rules.get("stage-jump-evidence")
        if rule is None:
            return
        max_jump = int(rule.params.get("max_jump", 2))
        deals: list[DealRef] = [
            d for pool in self.gen.deal_pool.deals.values() for d in pool if d.closed is None
        ]
        deals.sort(key=lambda d: d.id)
        for week in self._weeks(18):
            if not deals:
                return
            rep = self._careless()
            mine = [d for d in deals if d.owner_id == rep.user.pk] or deals
            deal = self.rng.choice(mine)
            stages = [s for s in self.gen.stages[deal.pipeline_id] if s.kind != "lost"]
            start = self.rng.choice(stages[:2])
            ahead = [s for s in stages if s.position - start.position > max_jump]
            if not ahead:
                continue
            target = self.rng.choice(ahead)
            at = self._when(week)
            if at <= deal.opened:
                at = self.clock.office(self.clock.between(deal.opened, self.now - dt.timedelta(hours=2)))
                if at >= self.now:
                    continue
            source = self._source((("web", 5), ("mobile", 3), ("api", 1)))
            path = f"/deals/{deal.id}/stage/" if source == "web" else f"/api/v1/deals/{deal.id}/stage"
            self._finding(
                rule,
                at=at,
                actor_id=deal.owner_id,
                owner_id=deal.owner_id,
                source=source,
                path=path,
                entity="deal",
                action="stage_change",
                object_id=deal.id,
                field="stage",
                value=f"{start.name} → {target.name}",
                outcome=REFUSED,
            )


def add_quality(gen: _Generator, rows: Rows) -> None:
    QualityMaker(gen, rows).run()
