from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """The one error type of dangvien's services; views turn it into a message or form error.

    Raise with a translated message, or a dict of field -> message so forms can put the
    message next to the field.
    """
