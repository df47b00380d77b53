"""Text messages (SMS): the password-reset code for phone-number accounts, behind one small interface."""
