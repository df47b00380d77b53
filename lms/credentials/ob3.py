"""Open Badges 3.0 `OpenBadgeCredential`s (on VC Data Model 2.0) from a frozen certificate record. Pure.

Shape: design/certificates.md §2.5 and §9.1, with these choices:

- Every property is defined by the two pinned contexts (VC 2.0 + OB 3.0.3), so an `eddsa-rdfc-2022` signature
  covers all of it (§2.6; `sign_credential` signs in strict mode, which refuses anything else). That is why
  there is no `credentialSchema`: its type `1EdTechJsonSchemaValidator2019` is defined by neither context.
  Verifiers validate our credentials against the pinned OB schema anyway (`validate_schema`).
- The holder is `credentialSubject.id` (a random per-learner URN or a DID, chosen by the caller) plus the legal
  name as an `identifier` (`identityType: "name"`, `hashed: false`). The 身份证号 is never an input, and
  `build_credential` refuses any string that contains something shaped like one (§8: not plain, not masked,
  not hashed).
- 学时: a `ResultDescription` `ext:StudyHours` (class hours of the study policy the hours were earned under, 60 or
  e.g. 45 minutes each, as counted by the server, one decimal) with a matching `Result`, plus `creditsAvailable` =
  the course's required hours in the same class hours. The class-hour length is stated in the achievement's
  description, its criteria and the result description's name. The exam score is a `RawScore`.
- The course version is `achievement.version`; its content hash is an `otherIdentifier`
  (`identifierType: "ext:ContentHash"`, value `sha256:<hex>`). Skills are `tag`s (their Chinese names).
- The credential is a function of its inputs: building it twice gives the same bytes, so it can be rebuilt from
  the frozen record and its log digest recomputed.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms import certnumbers

from . import dataintegrity as di
from . import statuslist
from .contexts import OB_CREDENTIAL_CONTEXT

__all__ = [
    "SCHEMAS",
    "CredentialInput",
    "IssuerInfo",
    "SchemaIntegrityError",
    "Skill",
    "StatusEntry",
    "build_credential",
    "credential_id",
    "find_id_numbers",
    "format_time",
    "sign_credential",
    "validate_schema",
]

SCHEMAS_DIR = Path(__file__).with_name("schemas")
OB_SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
VC_SCHEMA_FILE = "verifiable-credential-schema.json"
# Byte-identical copies (see schemas/README.md): educredentials/obv3-examples @ a5a6b6d5 (1EdTech's published
# schema, draft 2019-09) and w3c/vc-data-model @ 979c4af1 (draft 2020-12).
SCHEMAS: dict[str, str] = {
    OB_SCHEMA_FILE: "859e405b592d93c3261fe899362f4128801140d4d20c01502a066b3540483d95",
    VC_SCHEMA_FILE: "8a3fa1948fb37d9ca7fd30d602549c9e8d59feb361beed6edb05e9711d10e83a",
}

OCCUPATION_CODE = "4-01-02-07"
OCCUPATION_NAME = "互联网营销师-直播销售员"
OCCUPATION_FRAMEWORK = "国家职业技能标准 互联网营销师（2021年版）"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SUBJECT_ID = re.compile(
    r"^(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|did:[a-z0-9]+:\S+)$"
)
_DID_WEB = re.compile(r"^did:web:[A-Za-z0-9.%-]+(:[A-Za-z0-9._%-]+)*$")
# An 18-character resident ID: region (6, not starting 0), birth date 18/19/20YYMMDD, sequence (3), check (digit/X).
_ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class SchemaIntegrityError(RuntimeError):
    """A pinned schema file is missing or its bytes do not match the recorded SHA-256."""


@dataclass(frozen=True)
class Skill:
    id: str
    zh: str
    en: str


@dataclass(frozen=True)
class CredentialInput:
    """What the credential states, copied from the frozen certificate record (plus course facts it lacks)."""

    number: str  # 证书序列号, normalised (15 characters, valid check character)
    holder_name: str
    course_slug: str
    course_title_zh: str
    course_title_en: str
    course_version: int
    content_hash: str  # 64 lower-case hex digits
    study_seconds: int
    score: float | None
    started_on: date  # China calendar days
    completed_on: date
    issued_at: datetime  # timezone-aware
    issuer_name: str  # 培训机构名称 as at issue
    skills: tuple[Skill, ...] = ()
    required_hours: float | None = None  # the course's required 学时
    pass_mark: float | None = None  # the exam's pass mark (0..100)
    aligns_to_occupation: bool = False  # the course's skills map to 互联网营销师 (直播销售员) work areas
    occupation_level: str = "五级/初级工"
    #: Minutes in one class hour (学时) of the study policy the hours were earned under (lms.evidence.policy).
    class_hour_minutes: int = 60

    @classmethod
    def from_record(cls, record: Any, **course_facts: Any) -> CredentialInput:
        """From a `Certificate` (or any object with its attributes). Reads only the fields above: the holder's
        masked and hashed ID on the record are never looked at."""
        skills = tuple(
            Skill(s["id"], s.get("zh-CN", s["id"]), s.get("en", s["id"])) for s in record.skills or ()
        )
        names = ("number", "holder_name", "course_slug", "course_title_zh", "course_title_en", "course_version",
                 "content_hash", "study_seconds", "score", "started_on", "completed_on", "issued_at",
                 "issuer_name")  # fmt: skip
        policy = getattr(record, "study_policy", None) or {}
        course_facts.setdefault("class_hour_minutes", policy.get("class_hour_minutes") or 60)
        return cls(**{n: getattr(record, n) for n in names}, skills=skills, **course_facts)


@dataclass(frozen=True)
class IssuerInfo:
    """The signing institution: its did:web and the HTTPS base its achievement and standard URLs live under."""

    did: str  # e.g. "did:web:lms.example.cn"
    base_url: str  # e.g. "https://lms.example.cn"

    def __post_init__(self) -> None:
        if not _DID_WEB.match(self.did):
            raise ValueError(f"issuer must be a did:web, not {self.did!r}")
        if not self.base_url.startswith("https://") or self.base_url.endswith("/"):
            raise ValueError("base_url must be https:// without a trailing slash")


@dataclass(frozen=True)
class StatusEntry:
    """The certificate's slot in a Bitstring Status List (allocate indexes at random, §6)."""

    list_credential: str  # URL of the BitstringStatusListCredential
    index: int
    purpose: str = "revocation"


def format_time(value: datetime) -> str:
    """RFC 3339 UTC, whole seconds: the form of `validFrom`, proof `created` and log entry times."""
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _china_day(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def _decimal(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def credential_id(issuer: IssuerInfo, number: str) -> str:
    """A stable `urn:uuid:` per certificate (UUIDv5 of issuer and number), so a rebuild gives the same id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{issuer.did}/certificates/{number}')}"


def _is_id_number(candidate: str) -> bool:
    total = sum(int(c) * w for c, w in zip(candidate[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == candidate[17].upper()


def find_id_numbers(value: Any, path: str = "$") -> list[str]:
    """JSON paths of strings holding something shaped like a checksum-valid 18-character 身份证号."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in find_id_numbers(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in find_id_numbers(v, f"{path}[{i}]")]
    if isinstance(value, str) and any(_is_id_number(m.group()) for m in _ID_NUMBER.finditer(value)):
        return [path]
    return []


def _check_input(record: CredentialInput, subject_id: str) -> None:
    if not certnumbers.is_valid_raw(record.number):
        raise ValueError("number must be a normalised certificate number with a valid check character")
    if not _SLUG.match(record.course_slug):
        raise ValueError(f"invalid course slug {record.course_slug!r}")
    if not _HEX64.match(record.content_hash):
        raise ValueError("content_hash must be 64 lower-case hex digits")
    if not _SUBJECT_ID.match(subject_id):
        raise ValueError("subject_id must be a urn:uuid or a DID (never derived from the ID number)")
    if not record.holder_name.strip() or not record.issuer_name.strip():
        raise ValueError("holder and issuer names are required")
    if record.study_seconds < 0 or record.started_on > record.completed_on:
        raise ValueError("study time must be >= 0 and the start no later than the completion")
    if record.issued_at.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    if isinstance(record.class_hour_minutes, bool) or not isinstance(record.class_hour_minutes, int) \
            or not 1 <= record.class_hour_minutes <= 600:  # fmt: skip
        raise ValueError("class_hour_minutes must be a whole number of minutes from 1 to 600")


def _achievement(record: CredentialInput, issuer: IssuerInfo) -> dict[str, Any]:
    achievement_id = f"{issuer.base_url}/achievements/{record.course_slug}/v{record.course_version}"
    minutes = record.class_hour_minutes
    criteria = "完成课程全部内容"
    if record.required_hours is not None:
        criteria += (
            f"，有效学习不少于{_decimal(record.required_hours)}学时（1学时为{minutes}分钟，以服务器计时为准）"
        )
    if record.pass_mark is not None:
        criteria += f"，并以不低于{_decimal(record.pass_mark)}分（满分100分）通过结业考核"
    hours_rd: dict[str, Any] = {
        "id": f"{achievement_id}#hours",
        "type": ["ResultDescription"],
        "name": f"学时（1学时为{minutes}分钟）/ Study hours ({minutes} minutes each)",
        "resultType": "ext:StudyHours",
    }
    if record.required_hours is not None:
        hours_rd["requiredValue"] = _decimal(record.required_hours)
    result_descriptions = [hours_rd]
    if record.score is not None:
        exam: dict[str, Any] = {
            "id": f"{achievement_id}#exam",
            "type": ["ResultDescription"],
            "name": "结业考核成绩 / Final assessment score",
            "resultType": "RawScore",
            "valueMin": "0",
            "valueMax": "100",
        }
        if record.pass_mark is not None:
            exam["requiredValue"] = _decimal(record.pass_mark)
        result_descriptions.append(exam)
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": record.course_title_zh,
        "description": f"在线职业技能培训课程「{record.course_title_zh}」（{record.course_title_en}），"
        f"第{record.course_version}版。学时按1学时{minutes}分钟计。",
        "criteria": {"narrative": criteria + "。"},
        "humanCode": record.course_slug,
        "version": f"v{record.course_version}",
        "inLanguage": "zh-CN",
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": f"sha256:{record.content_hash}",
                "identifierType": "ext:ContentHash",
            }
        ],
        "resultDescription": result_descriptions,
    }
    if record.required_hours is not None:
        # An integral value must be a JSON integer: JSON-LD maps a Python float 120.0 to xsd:double but the same
        # JSON read by JavaScript to xsd:integer, and the rdfc signature would then differ between verifiers.
        hours = round(record.required_hours, 1)
        achievement["creditsAvailable"] = int(hours) if float(hours).is_integer() else float(hours)
    if record.skills:
        achievement["tag"] = [s.zh for s in record.skills]
    if record.aligns_to_occupation:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": f"{OCCUPATION_NAME} {record.occupation_level}",
                "targetCode": OCCUPATION_CODE,
                "targetFramework": OCCUPATION_FRAMEWORK,
                "targetUrl": f"{issuer.base_url}/standards/{OCCUPATION_CODE}",
            }
        ]
    return achievement


def build_credential(
    record: CredentialInput, issuer: IssuerInfo, status: StatusEntry, subject_id: str
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for one certificate; sign it with `sign_credential`."""
    _check_input(record, subject_id)
    achievement = _achievement(record, issuer)
    issued = format_time(record.issued_at)
    results = [
        {
            "type": ["Result"],
            "resultDescription": f"{achievement['id']}#hours",
            "value": _decimal(round(record.study_seconds / (record.class_hour_minutes * 60), 1)),
        }
    ]
    if record.score is not None:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": f"{achievement['id']}#exam",
                "value": _decimal(record.score),
            }
        )
    credential: dict[str, Any] = {
        "@context": list(OB_CREDENTIAL_CONTEXT),
        "id": credential_id(issuer, record.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": record.issuer_name},
        "validFrom": issued,
        "awardedDate": issued,
        "name": f"培训合格证书 · {record.course_title_zh}",
        "description": f"Certificate of training completion: {record.course_title_en}",
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": record.holder_name,
                }
            ],
            "activityStartDate": _china_day(record.started_on),
            "activityEndDate": _china_day(record.completed_on),
            "licenseNumber": certnumbers.format(record.number),
            "result": results,
            "achievement": achievement,
        },
        "credentialStatus": statuslist.status_list_entry(
            status.list_credential, status.index, status.purpose
        ),
    }
    leaks = find_id_numbers(credential)
    if leaks:
        raise ValueError(f"refusing to issue: an ID number appears at {', '.join(leaks)}")
    return credential


def sign_credential(
    credential: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | str,
) -> dict[str, Any]:
    """Add the proof set `[eddsa-rdfc-2022, eddsa-jcs-2022]` (§3.4), rdfc in strict mode (§2.6)."""
    if "proof" in credential:
        raise ValueError("credential is already signed")
    once = di.add_proof(
        credential, private_key, verification_method, di.EDDSA_RDFC_2022, created, as_array=True
    )
    return di.add_proof(once, private_key, verification_method, di.EDDSA_JCS_2022, created)


# --- JSON Schema -------------------------------------------------------------------------------------------------


def _load_schema(filename: str) -> dict[str, Any]:
    try:
        data = (SCHEMAS_DIR / filename).read_bytes()
    except OSError as exc:
        raise SchemaIntegrityError(f"pinned schema {filename} unreadable: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != SCHEMAS[filename]:
        raise SchemaIntegrityError(
            f"pinned schema {filename} has SHA-256 {digest}, expected {SCHEMAS[filename]}"
        )
    schema: dict[str, Any] = json.loads(data)
    return schema


def _is_date_time(value: object) -> bool:
    # jsonschema checks "date-time" only when rfc3339-validator is installed; do it here so it is never skipped.
    if not isinstance(value, str):
        return True
    try:
        return bool(_RFC3339.match(value)) and bool(datetime.fromisoformat(value.upper()))
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _validators() -> tuple[tuple[str, jsonschema.protocols.Validator], ...]:
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(_is_date_time)
    return (
        ("OB 3.0", jsonschema.Draft201909Validator(_load_schema(OB_SCHEMA_FILE), format_checker=checker)),
        ("VC 2.0", jsonschema.Draft202012Validator(_load_schema(VC_SCHEMA_FILE), format_checker=checker)),
    )


def validate_schema(credential: Any) -> list[str]:
    """Errors against the pinned OB 3.0 AchievementCredential and VC 2.0 schemas (format checking on), e.g.
    `[OB 3.0] $.credentialSubject.achievement.alignment[0].type: 'Alignment' is not of type 'array'`.
    An empty list means valid."""
    errors: list[str] = []
    for label, validator in _validators():
        for e in sorted(validator.iter_errors(credential), key=lambda e: (e.json_path, e.message)):
            message = e.message if len(e.message) <= 200 else e.message[:197] + "..."
            errors.append(f"[{label}] {e.json_path}: {message}")
    return errors
