"""Trust: signing keys, the issuer DID document, Open Badges credentials, the status list and the transparency log."""
