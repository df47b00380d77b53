"""The transparency log of certificates: an append-only RFC 9162 Merkle tree whose signed checkpoints, proofs and
cosignatures follow C2SP. The one description of its formats is docs/transparency-log.md; the layering of this
package is in docs/architecture.md.

Pure modules (no Flask, no database; the offline verifier uses them):

- ``merkle``: RFC 9162 Merkle math: ``leaf_hash``, ``append``/``root`` over a ``NodeStore``, inclusion and
  consistency proofs and their verification.
- ``note``: C2SP signed notes, checkpoints, cosignatures and tlog-proofs: ``sign_note``, ``open_note``,
  ``Checkpoint``, ``cosign``, ``parse_vkey``/``vkey``, ``format_proof``/``parse_proof``/``verify_proof``.
- ``entry``: the bytes of an entry: ``entry_bytes``, ``parse_entry``, ``entry_leaf_hash``, ``rebuild_root``.
- ``identity``: the log's ``origin`` (checkpoint and key name) and where its keys are published: ``log_service``
  in the DID document, ``log_vkeys_of`` to read them back.
- ``witness``: a witness's check of a checkpoint against the last one it saw (network access injected).

On the site (database and Flask):

- ``log``: ``append(session, cfg, data, certificate_id)`` in the caller's transaction; ``checkpoint``,
  ``proof_text``, ``state``, ``entries``, ``DbNodeStore``.
- ``witnessing``: bureaus' witness keys and cosignatures: ``register_key``, ``accept_cosigned``, ``keys_of``,
  ``cosignatures_of``, ``cosignatures_covering``.
- ``models``: the log's tables; ``views``: the public ``/log`` endpoints; ``cli``: ``lms witness``,
  ``lms witness-keygen``.

Certificates log through ``lms.trust.credentials`` (which builds the entry with ``entry.entry_bytes`` and calls
``log.append``); credentials check inclusion with ``lms.credentials.inclusion``; bureaus cosign through
``witnessing``. Nothing else reaches into this package's tables.
"""
