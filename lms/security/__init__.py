"""Cross-cutting security: passwords, personal-data encryption, access rules, response headers."""
