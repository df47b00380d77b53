"""Quizzes: pure modules import nothing from Flask; the blueprint lives in views.py."""
