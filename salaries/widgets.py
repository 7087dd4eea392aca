from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_countries import countries


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

    def __init__(self, slots: int, item, empty_label: str = "—", attrs=None, choices=()):
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


class CountryNamesInput(forms.TextInput):
    """Countries typed by name, separated by commas ("India, Nepal"), with every country's
    name offered as you type. static/js/country-chips.js turns the names into removable chips
    on the page; without it the text works as it is."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "data-country-chips": "", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        """The text typed, or codes sent one per value (remote_countries=IN&remote_countries=NP)."""
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, list) and len(values) == 1:
            return values[0]
        return values

    def format_value(self, value):
        if isinstance(value, str):
            return value
        names = dict(countries)
        return ", ".join(names.get(str(code), str(code)) for code in value or [])

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        options_id = f"{final_attrs.get('id', name)}-options"
        final_attrs["list"] = options_id
        shown = self.format_value(value)
        text_input = format_html(
            '<input type="text" name="{}" value="{}"{}>', name, shown, flatatt(final_attrs)
        )
        options = format_html_join("", '<option value="{}">', ((label,) for _, label in countries))
        return format_html('{}<datalist id="{}">{}</datalist>', text_input, options_id, options)
