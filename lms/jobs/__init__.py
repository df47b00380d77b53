"""Background jobs: a row in ``jobs`` committed with the data it acts on, relayed to a huey queue after the commit,
run once by whichever worker claims it first, retried with back-off, its progress and outcome visible to people."""
