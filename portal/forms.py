"""Error messages that say what to type.

Django's own messages ("This field is required.", "Enter a number.", "Ensure this value is
less than or equal to 60.") tell a visitor what went wrong in a programmer's words. Every
visitor form mixes in PlainMessages, which puts in place of each of Django's defaults a
sentence naming the field and what to write; a message a form sets itself is kept.
"""

from datetime import date

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext


def _interpolate(message, values) -> str:
    return message % values


# A translated message with its values filled in when it is shown, in the visitor's language:
# interpolate(_("Two to %(most)s countries."), {"most": 6}) at a class or module's level.
interpolate = lazy(_interpolate, str)

CHOSEN = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField)


def django_defaults(field: forms.Field) -> dict[str, str]:
    """The messages Django's own field classes give this field, by code."""
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        if cls.__module__.startswith("django.") and "default_error_messages" in vars(cls):
            messages.update(vars(cls)["default_error_messages"])
    return messages


def plain_messages(field: forms.Field, name: str = "") -> dict[str, str]:
    """What to type, for each of Django's message codes. The field's label stands beside its
    message and leads it in the error summary, so the message does not repeat it."""
    number = isinstance(field, forms.IntegerField)  # a DecimalField is one to Django
    whole = number and not isinstance(field, (forms.DecimalField, forms.FloatField))
    example = date.today().year if name == "year" else 3
    writes = True  # the message says how to write the answer
    if isinstance(field, forms.DateField):
        invalid = gettext("Write the date as year-month-day, such as 2026-12-31.")
    elif isinstance(field, forms.URLField):
        invalid = gettext("Write the whole web address, such as https://example.com/jobs/42.")
    elif isinstance(field, forms.EmailField):
        invalid = gettext("Write an e-mail address, such as jobs@example.com.")
    elif number and whole:
        invalid = gettext("Write a whole number in digits, such as %(example)s.")
        invalid %= {"example": example}
    elif number:
        invalid = gettext("Write a number in digits, such as %(example)s.") % {"example": example}
    else:
        invalid, writes = gettext("Check what you typed here."), False
    if isinstance(field, forms.BooleanField):
        required = gettext("Tick the box to go on.")
    elif isinstance(field, CHOSEN):
        required = gettext("Choose one from the list.")
    elif number:  # the field's own way of saying how to write it, where it has one
        required = str(field.error_messages.get("invalid", invalid))
        if required == django_defaults(field).get("invalid"):
            required = invalid
    elif writes:
        required = invalid
    else:
        required = gettext("Type your answer here: it cannot be left empty.")
    return {
        "required": required,
        "invalid": invalid,
        "invalid_choice": gettext("Choose one of the answers in the list."),
        "invalid_list": gettext("Choose answers from the list."),
        "invalid_pk_value": gettext("Choose one of the answers in the list."),
        "max_length": gettext(
            "Keep it to %(limit_value)d characters or fewer (this has %(show_value)d)."
        ),
        "min_length": gettext(
            "Write at least %(limit_value)d characters (this has %(show_value)d)."
        ),
        "max_value": gettext("Write a number no bigger than %(limit_value)s."),
        "min_value": gettext("Write a number no smaller than %(limit_value)s."),
        "step_size": gettext("Write a multiple of %(limit_value)s."),
        "max_digits": gettext("Write a shorter number, at most %(max)s digits."),
        "max_decimal_places": gettext("Write at most %(max)s digits after the point."),
        "max_whole_digits": gettext(
            "Write a shorter number, at most %(max)s digits before the point."
        ),
    }


class PlainMessages:
    """Mixed into a form: Django's default messages on its fields become plain ones."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            defaults = django_defaults(field)
            for code, message in plain_messages(field, name).items():
                # Validators' codes (max_length, an e-mail's invalid) are absent until set.
                if field.error_messages.get(code) == defaults.get(code):
                    field.error_messages[code] = message
