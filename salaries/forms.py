from django import forms
from django_countries import countries

from salaries.models import Level, Role

MAX_COMPARED = 6


class CompareForm(forms.Form):
    role = forms.ModelChoiceField(queryset=Role.objects.all(), to_field_name="slug")
    countries = forms.MultipleChoiceField(
        choices=countries, help_text=f"Two to {MAX_COMPARED} countries."
    )
    levels = forms.MultipleChoiceField(
        choices=Level.choices, required=False, help_text="Optional: split each country by level."
    )

    def clean_countries(self):
        codes = list(dict.fromkeys(self.cleaned_data["countries"]))  # keep order, drop repeats
        if not 2 <= len(codes) <= MAX_COMPARED:
            raise forms.ValidationError(f"Choose between 2 and {MAX_COMPARED} countries.")
        return codes
