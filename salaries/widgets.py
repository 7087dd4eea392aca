from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A <select> rendered in Python. Django renders each option through a template, which for
    the 290 roles and 249 countries of the filter form cost a third of a page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)  # noqa: S308
                for key, label in self.choices
            ),
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


class RepeatedSelect(forms.SelectMultiple):
    """Several one-choice selects under one name (`countries=NP&countries=IN`): easier than a
    249-row multi-select, and the URL stays the same."""

    def __init__(self, slots: int, item: str, empty_label: str = "—", attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.slots, self.item, self.empty_label = slots, item, empty_label

    def render(self, name, value, attrs=None, renderer=None):
        values = [str(v) for v in (value or []) if v][: self.slots]
        select = PlainSelect(choices=[("", self.empty_label), *self.choices])
        base_id = (attrs or {}).get("id", f"id_{name}")
        return format_html_join(
            "",
            '<span class="repeated-select">{}</span>',
            (
                # Each select needs a name of its own for screen readers: "Country 2".
                (
                    select.render(
                        name,
                        chosen,
                        {"id": f"{base_id}_{slot}", "aria-label": f"{self.item} {slot + 1}"},
                    ),
                )
                for slot, chosen in enumerate(values + [""] * (self.slots - len(values)))
            ),
        )

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value]

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_
