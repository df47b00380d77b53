"""Notifications: in the app (the bell in the header, the /notifications page) and by mail.

Events come from the features on the left through lms.signals (a certificate issued, an essay waiting for grading);
deadline reminders come from ``lms notifications send-due``, run by cron.
"""
