"""``lms evidence verify NUMBER``: recompute a certificate's sealed process record against the transparency log."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms import certnumbers
from lms.db import get_session


@click.group("evidence")
def evidence() -> None:
    """Study evidence: process records."""


@evidence.command("verify")
@click.argument("number")
@with_appcontext
def verify(number: str) -> None:
    """Check that the certificate's process record (培训过程记录) is unchanged since issue."""
    from lms.certificates.models import Certificate
    from lms.evidence import process

    session = get_session()
    certificate = session.scalar(select(Certificate).where(Certificate.number == certnumbers.normalise(number)))
    if certificate is None:
        raise click.ClickException(f"no certificate numbered {number!r}")
    check = process.verify(session, certificate)
    if not check.ok:
        for problem in check.problems:
            click.echo(f"{certnumbers.format(certificate.number)}: {problem}", err=True)
        raise SystemExit(1)
    superseded = session.get(Certificate, certificate.superseded_by_id) if certificate.superseded_by_id else None
    note = f"; the certificate is superseded by {certnumbers.format(superseded.number)}" if superseded else ""
    click.echo(f"{certnumbers.format(certificate.number)}: process record unchanged since issue (log entry "
               f"{process.sealed_record(session, certificate.id).log_index}){note}")


@evidence.command("export")
@click.argument("number")
@click.option("--output", "-o", type=click.File("wb"), default="-", help="Where to write the file (default: stdout).")
@with_appcontext
def export(number: str, output) -> None:
    """Write the certificate's sealed process record with its log proof, for `lms verify CREDENTIAL --process FILE`."""
    from lms.bureau.process_files import sealed_json
    from lms.certificates.models import Certificate
    from lms.evidence import process

    session = get_session()
    certificate = session.scalar(select(Certificate).where(Certificate.number == certnumbers.normalise(number)))
    sealed = process.sealed_record(session, certificate.id) if certificate is not None else None
    if sealed is None:
        raise click.ClickException(f"no sealed process record for a certificate numbered {number!r}")
    output.write(sealed_json(session, [sealed]))


@evidence.command("purge")
@with_appcontext
def purge() -> None:
    """Delete snapshots and presence checks older than the retention period of their programme (run daily)."""
    from lms.db import utcnow
    from lms.evidence import identity_services
    from lms.evidence import services as policies

    session = get_session()
    cache: dict[tuple[int, int], int] = {}

    def years(user_id: int, lesson_id: int) -> int:
        if (user_id, lesson_id) not in cache:
            cache[(user_id, lesson_id)] = policies.policy_for_lesson(session, user_id, lesson_id).policy.retention_years
        return cache[(user_id, lesson_id)]

    counts = identity_services.purge(session, utcnow(), years)
    session.commit()
    click.echo(f"deleted {counts['snapshots']} snapshot(s) and {counts['presence_checks']} presence check(s)")
