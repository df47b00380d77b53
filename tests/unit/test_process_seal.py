"""The offline check of a certificate's sealed process record (培训过程记录): its digest rebuilt from the exported
record, its ``process`` log entry rebuilt from the credential, and that entry's inclusion under a signed checkpoint."""

import copy

from lms.credentials.processseal import EXPORT_FORMAT, record_sha256
from lms.transparency import entry as le
from tests.unit.test_ob3 import ISSUED, number
from tests.unit.test_record_pdf import RECORD
from tests.unit.test_verifier import credential, detail, failing, log_proof, verify


def export(record: dict, proof: str, certificate: str | None = None) -> dict:
    return {"format": EXPORT_FORMAT, "records": [
        {"certificate": certificate or record["certificate"]["number"], "log_index": 5, "record": record, "proof": proof}]}


def sealed_record(**kw) -> tuple[dict, str]:
    record = copy.deepcopy(RECORD)
    record["certificate"]["number"] = number()
    seal = le.entry_bytes(le.PROCESS, number(), record_sha256(record), ISSUED)
    return record, log_proof(seal, **kw)


def test_a_sealed_record_passes_and_is_named_in_the_report():
    record, proof = sealed_record()
    report = verify(process_export=export(record, proof))
    assert report.get("process_record").ok is True and failing(report) == set()
    assert "is the one sealed at issue: entry 5 of lms.example.cn/certificates-log" in detail(report, "process_record")
    assert verify().get("process_record") is None  # not asked: not checked, and not reported as missing


def test_an_edited_record_fails():
    record, proof = sealed_record()
    record["presence_checks"][0]["outcome"] = "answered"
    report = verify(process_export=export(record, proof))
    assert failing(report) == {"process_record"}
    assert "differs from the one sealed in the log: it was changed after issue" in detail(report, "process_record")
    # Without the entry riding along in the proof, the rebuilt entry is simply not in the tree.
    edited, bare = sealed_record(extra=None)
    edited["presence_checks"][0]["outcome"] = "answered"
    report = verify(process_export=export(edited, bare))
    assert failing(report) == {"process_record"} and "inclusion proof" in detail(report, "process_record")


def test_a_file_that_does_not_hold_this_certificates_record():
    record, proof = sealed_record()
    other = number("B" * 14)
    cases = {
        "is not an lms-process-export-v1 file": {"records": []},
        "holds no record for certificate": export(record, proof, certificate=other),
        "is not the record of this certificate": export({**record, "certificate": {**record["certificate"],
                                                                                 "number": other}}, proof,
                                                        certificate=number()),  # fmt: skip
        "lacks its record or its proof": export(record, None),
    }
    for words, given in cases.items():
        report = verify(process_export=given)
        assert failing(report) == {"process_record"} and words in detail(report, "process_record"), words
    issue = le.entry_bytes("issue", number(), "0" * 64, ISSUED)
    report = verify(process_export=export(record, log_proof(issue)))
    assert "the proof is for a issue entry" in detail(report, "process_record")
    assert credential()["credentialSubject"]["licenseNumber"]
