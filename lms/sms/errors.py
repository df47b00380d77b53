"""What every SMS sender raises when a message did not go out."""


class SmsNotSent(Exception):
    """The provider refused or could not be reached: the caller must not say the message went out."""
