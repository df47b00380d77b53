"""Cohorts (班级): groups of an organisation's hosts with assigned courses and deadlines, and their progress."""
