import base64
import hashlib
import json
import math
from functools import cache
from pathlib import Path

import pytest

from lms.transparency import merkle
from lms.transparency.merkle import (
    MemoryNodeStore,
    append,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parents[1] / "vectors" / "merkle" / "testdata"
INCLUSION_FILES = sorted((VECTORS / "inclusion").rglob("*.json"))
CONSISTENCY_FILES = sorted((VECTORS / "consistency").rglob("*.json"))

# transparency-dev/merkle testonly/constants.go: leaves and the roots of their first n (vectors/merkle/README.md)
REFERENCE_LEAVES = [bytes.fromhex(h) for h in [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]  # fmt: skip
REFERENCE_ROOTS = [bytes.fromhex(h) for h in [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]]  # fmt: skip


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _load(path: Path) -> dict:
    case = json.loads(path.read_text())
    case["proof"] = [_b64(p) for p in case["proof"] or []]
    return case


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


# --- a naive reference: RFC 9162 §2.1 recursions over the whole leaf list --------------------------------------


class Naive:
    def __init__(self, leaves: list[bytes]):
        self.leaves = leaves

    @staticmethod
    def split(n: int) -> int:
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    @cache  # noqa: B019 - one instance per test module, cached for speed
    def mth(self, start: int, end: int) -> bytes:
        n = end - start
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return self.leaves[start]
        k = self.split(n)
        return node_hash(self.mth(start, start + k), self.mth(start + k, end))

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = self.split(n)
        if m < k:
            return self.path(m, start, start + k) + [self.mth(start + k, end)]
        return self.path(m - k, start + k, end) + [self.mth(start, start + k)]

    def subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if b else [self.mth(start, end)]
        k = self.split(n)
        if m <= k:
            return self.subproof(m, start, start + k, b) + [self.mth(start + k, end)]
        return self.subproof(m - k, start + k, end, False) + [self.mth(start, start + k)]


class CountingStore(MemoryNodeStore):
    """Also checks that a proof for size n only reads nodes lying inside the first n leaves."""

    limit: int | None = None

    def get(self, level: int, index: int) -> bytes | None:
        if self.limit is not None:
            assert (index + 1) << level <= self.limit, (level, index, self.limit)
        return super().get(level, index)


class SyntheticStore:
    """Pretends every full subtree of a huge tree is stored (hash = a function of its position); for counting."""

    def __init__(self, size: int):
        self.size, self.reads = size, 0

    def get(self, level: int, index: int) -> bytes | None:
        assert (index + 1) << level <= self.size
        self.reads += 1
        return hashlib.sha256(f"{level}/{index}".encode()).digest()

    def put(self, level: int, index: int, hash: bytes) -> None:
        raise AssertionError("proofs never write")


def _bound(n: int) -> int:
    return 2 * math.ceil(math.log2(n)) + 2 if n > 1 else 2


# --- transparency-dev vectors -----------------------------------------------------------------------------------


def test_all_196_vector_files_are_present():
    assert (len(INCLUSION_FILES), len(CONSISTENCY_FILES)) == (98, 98)


@pytest.mark.parametrize("path", INCLUSION_FILES, ids=_id)
def test_inclusion_vectors(path):
    c = _load(path)
    ok = verify_inclusion(_b64(c["leafHash"]), c["leafIdx"], c["treeSize"], c["proof"], _b64(c["root"]))
    assert ok is not c["wantErr"], c["desc"]


@pytest.mark.parametrize("path", CONSISTENCY_FILES, ids=_id)
def test_consistency_vectors(path):
    c = _load(path)
    ok = verify_consistency(c["size1"], c["size2"], _b64(c["root1"]), _b64(c["root2"]), c["proof"])
    assert ok is not c["wantErr"], c["desc"]


def _reference_store() -> MemoryNodeStore:
    store, size = MemoryNodeStore(), 0
    for data in REFERENCE_LEAVES:
        size = append(store, size, leaf_hash(data))
    return store


def test_reference_roots():
    store = _reference_store()
    assert [root(store, n) for n in range(9)] == REFERENCE_ROOTS
    assert merkle.EMPTY_ROOT == REFERENCE_ROOTS[0]


@pytest.mark.parametrize("path", sorted((VECTORS / "inclusion").glob("[0-9]/happy-path.json")), ids=_id)
def test_our_inclusion_proofs_equal_the_vectors(path):
    c, store = _load(path), _reference_store()
    assert inclusion_proof(store, c["leafIdx"], c["treeSize"]) == c["proof"]
    assert root(store, c["treeSize"]) == _b64(c["root"])
    assert store.nodes[(0, c["leafIdx"])] == _b64(c["leafHash"])


@pytest.mark.parametrize("path", sorted((VECTORS / "consistency").glob("[0-9]/happy-path.json")), ids=_id)
def test_our_consistency_proofs_equal_the_vectors(path):
    c, store = _load(path), _reference_store()
    assert consistency_proof(store, c["size1"], c["size2"]) == c["proof"]
    assert (root(store, c["size1"]), root(store, c["size2"])) == (_b64(c["root1"]), _b64(c["root2"]))


# --- property tests against the naive reference ------------------------------------------------------------------

MAX_SIZE = 200


def test_every_proof_of_every_tree_up_to_200_leaves():
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(MAX_SIZE)]
    naive, store, size = Naive(leaves), CountingStore(), 0
    roots = [merkle.EMPTY_ROOT]
    for leaf in leaves:
        size = append(store, size, leaf)
        store.limit = size
        roots.append(root(store, size))
        assert roots[size] == naive.mth(0, size)
        for i in range(size):
            before = store.reads
            proof = inclusion_proof(store, i, size)
            assert store.reads - before <= _bound(size), (i, size)
            assert proof == naive.path(i, 0, size)
            assert verify_inclusion(leaves[i], i, size, proof, roots[size])
        for m in range(1, size + 1):
            before = store.reads
            proof = consistency_proof(store, m, size)
            assert store.reads - before <= _bound(size), (m, size)
            assert proof == (naive.subproof(m, 0, size, True) if m < size else [])
            assert verify_consistency(m, size, roots[m], roots[size], proof)
        store.limit = None
    assert len(store.nodes) == 2 * MAX_SIZE - MAX_SIZE.bit_count()  # only full subtrees are stored


def test_tampered_proofs_fail():
    leaves = [leaf_hash(bytes([i])) for i in range(13)]
    store, size = MemoryNodeStore(), 0
    for leaf in leaves:
        size = append(store, size, leaf)
    r13, r5 = root(store, 13), root(store, 5)
    proof = inclusion_proof(store, 6, 13)
    assert verify_inclusion(leaves[6], 6, 13, proof, r13)
    assert not verify_inclusion(leaves[7], 6, 13, proof, r13)
    assert not verify_inclusion(leaves[6], 7, 13, proof, r13)
    # The size only enters through the path's shape (sizes 9 to 16 share it for leaf 6); size 8 has a shorter path.
    assert not verify_inclusion(leaves[6], 6, 8, proof, r13)
    assert not verify_inclusion(leaves[6], 6, 13, proof[:-1], r13)
    assert not verify_inclusion(leaves[6], 6, 13, [*proof, proof[0]], r13)
    assert not verify_inclusion(leaves[6], 6, 13, [proof[1], proof[0], *proof[2:]], r13)
    cons = consistency_proof(store, 5, 13)
    assert verify_consistency(5, 13, r5, r13, cons)
    assert not verify_consistency(5, 13, r13, r5, cons)
    assert not verify_consistency(4, 13, r5, r13, cons)
    assert not verify_consistency(5, 13, r5, r13, cons[:-1])
    flipped = bytes([cons[0][0] ^ 1]) + cons[0][1:]
    assert not verify_consistency(5, 13, r5, r13, [flipped, *cons[1:]])


# --- cost: O(log n) store reads and writes ----------------------------------------------------------------------


@pytest.mark.parametrize("n", [1_000_000, 2**20, 2**20 + 1, 2**40 + 12345, 2**62 - 1])
def test_proofs_of_huge_trees_read_about_log2_n_nodes(n):
    probes = {0, 1, n // 3, n // 2, n - 2, n - 1} - {-1}
    worst = 0
    for x in sorted(p for p in probes if 0 <= p < n):
        store = SyntheticStore(n)
        proof = inclusion_proof(store, x, n)
        assert len(proof) <= math.ceil(math.log2(n))
        worst = max(worst, store.reads)
        if x > 0:
            store = SyntheticStore(n)
            consistency_proof(store, x, n)
            worst = max(worst, store.reads)
    store = SyntheticStore(n)
    root(store, n)
    assert store.reads == n.bit_count()
    assert worst <= _bound(n), worst


def test_append_costs_log_n():
    store, size = MemoryNodeStore(), 0
    for i in range(1024):
        reads, writes = store.reads, store.writes
        size = append(store, size, leaf_hash(bytes(i % 256)))
        trailing_ones = ((i ^ (i + 1)).bit_length()) - 1
        assert (store.reads - reads, store.writes - writes) == (trailing_ones, trailing_ones + 1)
    assert store.reads < 1024 * 1.01 and store.writes < 2 * 1024  # one read, two writes per append on average


def test_errors():
    store = _reference_store()
    with pytest.raises(ValueError):
        inclusion_proof(store, 8, 8)
    with pytest.raises(ValueError):
        consistency_proof(store, 0, 8)
    with pytest.raises(ValueError):
        consistency_proof(store, 9, 8)
    assert consistency_proof(store, 8, 8) == []
    with pytest.raises(merkle.MissingNodeError):
        root(store, 9)
    with pytest.raises(ValueError):
        append(store, 8, b"short")
    with pytest.raises(merkle.ConflictingNodeError):
        append(store, 7, leaf_hash(b"another leaf at an existing index"))
    assert append(store, 7, store.nodes[(0, 7)]) == 8  # replaying the same append is harmless
