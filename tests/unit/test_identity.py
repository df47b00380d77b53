"""The identity-check interface and its providers (pure)."""

from lms.evidence import identity

JPEG = b"\xff\xd8\xff\xe0" + b"HOST" + b"\x00" * 100 + b"\xff\xd9"
OTHER = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"


def test_without_consent_no_provider_keeps_an_image():
    for name in identity.PROVIDERS:
        result = identity.provider(name).check(identity.IdentityRequest(1, identity.AT_START, False, JPEG))
        assert not result.keep_image


def test_the_snapshot_provider_keeps_a_consented_jpeg_for_review():
    snapshot = identity.SnapshotProvider()
    assert snapshot.check(identity.IdentityRequest(1, identity.AT_START, True, JPEG)) == identity.IdentityResult(
        identity.STORED, keep_image=True)
    assert snapshot.check(identity.IdentityRequest(1, identity.AT_START, True, b"GIF89a")).status == identity.BAD_IMAGE
    too_big = b"\xff\xd8\xff" + b"\x00" * identity.MAX_IMAGE_BYTES + b"\xff\xd9"
    assert not identity.is_jpeg(too_big) and not identity.is_jpeg(None)


def test_none_skips_and_the_fake_compares():
    assert identity.NoneProvider().check(identity.IdentityRequest(1, identity.AT_RANDOM, True, JPEG)).status == "skipped"
    fake = identity.FakeFaceProvider()
    assert fake.check(identity.IdentityRequest(1, identity.AT_START, True, JPEG)).status == identity.MATCHED
    assert fake.check(identity.IdentityRequest(1, identity.AT_START, True, OTHER)).status == identity.MISMATCH
