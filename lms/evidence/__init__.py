"""Subsidy-grade study evidence: the study policy of a programme, presence checks and the process record."""
